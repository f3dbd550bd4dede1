// Half of the station runtime's invariant runs (see invariants.ts); the other file runs the rest with another seed.
import { invariants } from './invariants';

invariants(20261201);
