// Types of the Moddable SDK modules main.ts imports, as far as this firmware uses them. They exist only on a
// device or in the Moddable simulator; main.ts is the one module that names them. Checked against SDK 8.2.3
// (see README.md, "Moddable modules used").
declare module 'embedded:io/serial' {
  const Serial: import('./serial').Ecma419SerialClass;
  export default Serial;
}
declare module 'embedded:io/digital' {
  const Digital: import('./digital').Ecma419DigitalClass;
  export default Digital;
}
declare module 'embedded:io/i2c' {
  const I2C: import('./i2c').Ecma419I2cClass;
  export default I2C;
}
declare module 'embedded:io/socket/listener' {
  const Listener: import('./tcp').Ecma419ListenerClass;
  export default Listener;
}
declare module 'embedded:io/socket/tcp' {
  const TCP: import('./tcp').Ecma419TcpClass;
  export default TCP;
}
declare module 'embedded:storage/flash' {
  const flash: { open(options: { readonly path: string; readonly mode?: 'r' | 'r+' }): import('./flash').Ecma419Partition };
  export default flash;
}
declare module 'timer' {
  const Timer: import('./timers').ModdableTimer;
  export default Timer;
}
declare module 'time' {
  const Time: import('./clock').ModdableTime;
  export default Time;
}
declare module 'microseconds' {}
declare module 'mc/config' {
  const config: import('./app').AppSettings;
  export default config;
}
