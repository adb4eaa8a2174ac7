// The QEMU command line of the vault test guest, built as data (see /work/shared/RECIPES.md, "LUKS").

export interface QemuGuestSpec {
  /** The ELF kernel (booted through PVH, which skips an in-guest decompression that is slow under TCG). */
  vmlinux: string;
  initramfs: string;
  /** Environment for the guest's init, passed on the kernel command line: no spaces in names or values. */
  initEnv: Record<string, string>;
  memoryMiB: number;
  /** Raw image files, attached in order as /dev/vda, /dev/vdb, … */
  disks: string[];
  /** Loopback host port → guest TCP port, through QEMU user networking. */
  forwards: { hostPort: number; guestPort: number }[];
}

/** Arguments for qemu-system-x86_64. The serial console goes to QEMU's stdout. */
export function qemuArgs(spec: QemuGuestSpec): string[] {
  const initEnv = Object.entries(spec.initEnv).map(([name, value]) => {
    if (/\s/.test(name + value))
      throw new Error(`guest init variable ${name} must not contain spaces: ${value}`);
    return `${name}=${value}`;
  });
  const kernelArgs = [
    'console=ttyS0',
    // 3, not `quiet`: q35 boots reliably with it (RECIPES); errors still reach the console.
    'loglevel=3',
    // A panic (e.g. init dying) reboots, and -no-reboot turns that into QEMU exiting: fail fast, not hang.
    'panic=-1',
    ...initEnv,
  ];
  const hostfwd = spec.forwards.map((f) => `hostfwd=tcp:127.0.0.1:${f.hostPort}-:${f.guestPort}`);
  return [
    // No default NIC, VGA, monitor or CD-ROM: everything the guest has is listed here.
    '-nodefaults',
    '-no-user-config',
    // KVM here is kvm-pvm, which stock Debian kernels cannot run on; TCG with -cpu max exposes AES-NI.
    '-accel',
    'tcg,thread=multi',
    '-cpu',
    'max',
    '-M',
    'q35',
    '-smp',
    '2',
    '-m',
    String(spec.memoryMiB),
    '-display',
    'none',
    '-no-reboot',
    '-serial',
    'stdio',
    '-kernel',
    spec.vmlinux,
    '-initrd',
    spec.initramfs,
    '-append',
    kernelArgs.join(' '),
    // The host's root, read-only: the guest runs the host's node, cryptsetup and the repository unchanged.
    '-fsdev',
    'local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap',
    '-device',
    'virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot',
    '-netdev',
    ['user', 'id=net0', ...hostfwd].join(','),
    // romfile= empty: no iPXE option ROM for the firmware to load; the guest never boots from the network.
    '-device',
    'virtio-net-pci,netdev=net0,romfile=',
    ...spec.disks.flatMap((file, index) => [
      '-drive',
      // unsafe: the guest's flushes are not forced to the host disk; the images are thrown away after the test.
      `file=${file},format=raw,if=none,id=disk${index},cache=unsafe,aio=threads`,
      '-device',
      `virtio-blk-pci,drive=disk${index}`,
    ]),
  ];
}
