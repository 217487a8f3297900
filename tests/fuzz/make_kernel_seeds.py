#!/usr/bin/env python3
# make_kernel_seeds.py — writes the seed corpus of tests/fuzz/fuzz_kernel.c (issue 15,
# Lab 10) beside itself: tiny synthetic bzImages (protocol 2.15, a vmlinux of
# one PT_LOAD at 16 MiB) with raw, gzip, xz, lzma and zstd payloads, one with
# fuzz_kernel.c's trailer (memory, command line, initrd), and the hostile
# headers tests/kvm/test_check_kernel.c checks.  Each is under 64 KiB; none is
# Debian's kernel.  libFuzzer reads this script as one more (refused) input.
#   python3 tests/fuzz/make_kernel_seeds.py
import gzip, lzma, os, struct, zlib

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "kernel")
PADDR, VADDR, INIT_SIZE, CODE_AT = 0x1000000, 0xffffffff81000000, 0x200000, 0x1000
SETUP, PAYLOAD_OFFSET = 1024, 0x40
VERSION = b"6.1.0-fuzz (traplab) #1 SMP"
# mov edi,[rsi+0x228]; print it on COM1; cli; hlt (test_linux.c's echo kernel)
CODE = bytes.fromhex("8bbe280200000fb60784c0740a66baf803ee48ffc7ebeffaf4")

def vmlinux(entry=PADDR, bss=0x2000):
    elf = bytearray(CODE_AT + len(CODE))
    elf[0:7] = b"\x7fELF\x02\x01\x01"
    struct.pack_into("<HHIQQ", elf, 16, 2, 62, 1, entry, 64)
    struct.pack_into("<HHH", elf, 52, 64, 56, 1)
    struct.pack_into("<IIQQQQQ", elf, 64, 1, 5, CODE_AT, VADDR, PADDR, len(CODE), len(CODE) + bss)
    elf[CODE_AT:] = CODE
    return bytes(elf)

def bzimage(payload, size_hint=0, cmdline_size=255, initrd_max=0x7fffffff):
    payload += struct.pack("<I", size_hint)             # scripts/Makefile.lib size_append
    img = bytearray(SETUP + PAYLOAD_OFFSET) + payload
    img[0x1f1] = 1                                      # setup_sects
    struct.pack_into("<H", img, 0x1fe, 0xaa55)
    img[0x200:0x202] = b"\xeb\x6a"                      # the header ends at 0x26c
    img[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", img, 0x206, 0x020f)          # protocol 2.15
    struct.pack_into("<H", img, 0x20e, 0x300 - 0x200)   # kernel_version: the string's offset
    img[0x300:0x300 + len(VERSION)] = VERSION
    img[0x211] = 0x01                                   # LOADED_HIGH
    struct.pack_into("<I", img, 0x214, 0x100000)
    struct.pack_into("<IIB", img, 0x22c, initrd_max, 0x200000, 1)
    struct.pack_into("<HI", img, 0x236, 0x7f, cmdline_size)
    struct.pack_into("<II", img, 0x248, PAYLOAD_OFFSET, len(payload))
    struct.pack_into("<Q", img, 0x258, PADDR)
    struct.pack_into("<I", img, 0x260, INIT_SIZE)
    return bytes(img)

def zstd_raw(data):
    """A zstd frame of raw blocks (no compression): single segment, 4-byte content size."""
    out = bytearray(b"\x28\xb5\x2f\xfd") + bytes([0xa0]) + struct.pack("<I", len(data))
    for at in range(0, len(data), 0x20000):
        block = data[at:at + 0x20000]
        last = 1 if at + len(block) >= len(data) else 0
        out += struct.pack("<I", len(block) << 3 | last)[:3] + block
    return bytes(out)

def trailer(memory_byte, cmdline_byte, initrd):
    return initrd + b"TLKF" + bytes([memory_byte, cmdline_byte]) + struct.pack("<H", len(initrd))

def xz_huge_dict():
    stream = b"\xfd7zXZ\x00\x00\x01"
    stream += struct.pack("<I", zlib.crc32(stream[6:8]))
    block = b"\x02\x00\x21\x01\x28\x00\x00\x00"            # LZMA2, props 40: 4 GiB - 1
    return stream + block + struct.pack("<I", zlib.crc32(block)) + bytes(32)

def seeds():
    elf = vmlinux()
    lz = {"id": lzma.FILTER_LZMA1, "dict_size": 1 << 20}
    xz = [{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2, "dict_size": 1 << 20}]
    return {
        "raw.bzImage": bzimage(elf),
        "raw-virtual-entry.bzImage": bzimage(vmlinux(entry=VADDR + 3)),
        "gzip.bzImage": bzimage(gzip.compress(elf, 9), len(elf)),
        "xz.bzImage": bzimage(lzma.compress(elf, lzma.FORMAT_XZ, lzma.CHECK_CRC32, filters=xz),
                              len(elf)),
        "lzma.bzImage": bzimage(lzma.compress(elf, lzma.FORMAT_ALONE, filters=[lz]), len(elf)),
        "zstd.bzImage": bzimage(zstd_raw(elf), len(elf)),
        "initrd-trailer.bzImage": bzimage(elf) + trailer(16, 20, bytes(range(256)) * 16),
        "cmdline-over-size.bzImage": bzimage(elf) + trailer(0, 200, b""),
        "initrd-over-max.bzImage": bzimage(elf, initrd_max=0x11fffff) + trailer(48, 0, bytes(4096)),
        "lzma-4g-dict.bzImage": bzimage(b"\x5d\x00\x00\xff\xff" + b"\xff" * 8 + bytes(19)),
        "xz-4g-dict.bzImage": bzimage(xz_huge_dict()),
        "zstd-2g-window.bzImage": bzimage(b"\x28\xb5\x2f\xfd\x00\xa8\x01\x00\x00"),
    }

for name, data in seeds().items():
    assert len(data) < 64 * 1024, name
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
