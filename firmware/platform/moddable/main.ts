// The Moddable application's main module: the only one that imports device modules. It is not preloaded (it
// opens devices when it runs); the firmware itself is the preloaded `warden` module (app.ts). Each specifier
// below is checked against the Moddable SDK 8.2.3 sources; README.md lists where.
import Serial from 'embedded:io/serial';
import Digital from 'embedded:io/digital';
import I2C from 'embedded:io/i2c';
import Listener from 'embedded:io/socket/listener';
import TCP from 'embedded:io/socket/tcp';
import flash from 'embedded:storage/flash';
import Timer from 'timer';
import Time from 'time';
import 'microseconds';
import config from 'mc/config';
import { start } from './app';

start({ Serial, Digital, I2C, Listener, TCP, flash, Timer, Time }, config, () => Date.now());
