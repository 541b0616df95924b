#!/usr/bin/env python3
"""Independent pixel statistics for the shared DICOM samples.

Decodes each sample with GDCM's command-line tools (not with Antra's DCMTK /
OpenJPEG code path) and prints the mean luma (0.299 R + 0.587 G + 0.114 B, or
Y for YBR_FULL, or the grey value) of the first and last frame. The numbers in
tests/dicom/dicom_samples_test.cpp were produced by this script; rerun it to
check them:  tools/dev/reference_pixel_stats.py ../shared/dicom-samples

Steps: `gdcmconv --raw` to decompress; 8-bit PALETTE COLOR through DCMTK's
`dcmj2pnm` (its image module, not Antra's palette code; GDCM's `-8` option
scales 16-bit palette entries in a non-standard way); the segmented 16-bit
palette through `gdcmconv --decompress-lut` (GDCM linearises it; the table is
applied here); `dcmconv +Ep` first for the file with a wrong sequence
delimiter (GDCM cannot parse it); `gdcmraw` to dump elements.
"""
import os, struct, subprocess, sys, tempfile

def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def element(path, tag, tmp):
    out = os.path.join(tmp, tag.replace(',', '_') + '.bin')
    run('gdcmraw', '-i', path, '-o', out, '-t', tag)
    with open(out, 'rb') as f:
        return f.read()

def info(path):
    text = subprocess.run(['gdcminfo', path], capture_output=True, text=True).stdout
    fields = {}
    for line in text.splitlines():
        if ':' in line:
            k, v = line.split(':', 1)
            fields[k.strip()] = v.strip()
    return fields

def us(path, tag, tmp):
    return struct.unpack('<H', element(path, tag, tmp)[:2])[0]

def read_ppm(path):
    with open(path, 'rb') as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:  # P6, width, height, maxval
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    return data[pos + 1:]

def frame_luma(pixels, width, height, frame, photometric, bits, lut=None):
    n = width * height
    if photometric.startswith('MONOCHROME'):
        step = bits // 8
        data = pixels[frame * n * step:(frame + 1) * n * step]
        return sum(data[::step]) / n if step == 1 else None
    if photometric == 'PALETTE COLOR':
        idx = struct.unpack('<%dH' % n, pixels[frame * n * 2:(frame + 1) * n * 2])
        r, g, b, first = lut
        total = 0.0
        for v in idx:
            i = min(max(v - first, 0), len(r) - 1)
            total += 0.299 * (r[i] >> 8) + 0.587 * (g[i] >> 8) + 0.114 * (b[i] >> 8)
        return total / n
    data = pixels[frame * n * 3:(frame + 1) * n * 3]
    if photometric == 'YBR_FULL':
        return sum(data[0::3]) / n
    return (0.299 * sum(data[0::3]) + 0.587 * sum(data[1::3]) + 0.114 * sum(data[2::3])) / n

def main(folder):
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(os.listdir(folder)):
            if not name.endswith('.dcm') or name == 'fodicom_GH364.dcm':
                continue
            src = os.path.join(folder, name)
            raw = os.path.join(tmp, 'raw.dcm')
            lut = None
            if name == 'fodicom_DIRW0007.dcm':
                fixed = os.path.join(tmp, 'fixed.dcm')
                run('dcmconv', '+Ep', src, fixed)
                src = fixed
            if name == 'gdcm-US-ALOKA-16.dcm':
                run('gdcmconv', '--decompress-lut', src, raw)
                tables = [element(raw, t, tmp) for t in ('0028,1201', '0028,1202', '0028,1203')]
                desc = element(raw, '0028,1101', tmp)
                first = struct.unpack('<H', desc[2:4])[0]
                r, g, b = (list(struct.unpack('<%dH' % (len(t) // 2), t)) for t in tables)
                lut = (r, g, b, first)
            else:
                run('gdcmconv', '--raw', src, raw)
            fields = info(raw)
            w, h, frames = (int(x) for x in fields['Dimensions'].strip('()').split(','))
            photometric = fields['PhotometricInterpretation'].strip()
            bits = us(raw, '0028,0100', tmp)
            if photometric == 'PALETTE COLOR' and lut is None:
                prefix = os.path.join(tmp, 'dj')
                run('dcmj2pnm', '--all-frames', src, prefix)
                pixels = b''.join(read_ppm('%s.%d.ppm' % (prefix, i)) for i in range(frames))
                photometric = 'RGB'
            else:
                pixels = element(raw, '7fe0,0010', tmp)
            first_mean = frame_luma(pixels, w, h, 0, photometric, bits, lut)
            last_mean = frame_luma(pixels, w, h, frames - 1, photometric, bits, lut)
            print('%-42s %5dx%-4d %3d frames  %-14s mean luma frame 0 %.3f  last frame %.3f'
                  % (name, w, h, frames, photometric, first_mean, last_mean))

if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '../shared/dicom-samples')
