"""What a Python Modbus master (pymodbus) reads from a station: the header block and the device identification,
over TCP or RTU. Prints one JSON document. Written for pymodbus 3.x as Debian ships it (python3-pymodbus)."""
import json
import sys

from pymodbus.mei_message import ReadDeviceInformationRequest


def connect(target):
    if target.startswith('tcp:'):
        from pymodbus.client import ModbusTcpClient
        return ModbusTcpClient('127.0.0.1', port=int(target[4:]), timeout=3)
    from pymodbus.client import ModbusSerialClient
    # strict=False: pymodbus would set a termios inter-byte timeout, which a pseudo-terminal refuses (EINVAL).
    return ModbusSerialClient(port=target[4:], baudrate=19200, parity='E', stopbits=1, bytesize=8, timeout=3, strict=False)


def text(info):
    return {str(k): v.decode('ascii') for k, v in info.items()}


def main():
    target, unit = sys.argv[1], int(sys.argv[2])
    client = connect(target)
    if not client.connect():
        print(json.dumps({'error': 'cannot connect to ' + target}))
        return 1
    try:
        # pymodbus 3.0 takes the unit as `slave` on client calls but as `unit` on request objects; a request left at
        # its default goes to unit 0, which on RTU is broadcast and is (rightly) never answered.
        header = client.read_input_registers(0, 16, slave=unit)
        regular = client.execute(ReadDeviceInformationRequest(read_code=2, object_id=0, unit=unit))
        basic = client.execute(ReadDeviceInformationRequest(read_code=1, object_id=0, unit=unit))
        one = client.execute(ReadDeviceInformationRequest(read_code=4, object_id=6, unit=unit))
        too_many = client.read_input_registers(0, 126, slave=unit)
        print(json.dumps({
            'header': header.registers,
            'regular': text(regular.information),
            'conformity': regular.conformity,
            'basic': text(basic.information),
            'individual': text(one.information),
            'tooMany': getattr(too_many, 'exception_code', None),
        }))
        return 0
    finally:
        client.close()


if __name__ == '__main__':
    sys.exit(main())
