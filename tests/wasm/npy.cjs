// Minimal NPY (version 1.0, little-endian float32/float64, C order) reading and writing for the
// node tests that exchange arrays with the native `dmt` command.
const fs = require('node:fs');

function readNpy(path) {
  const b = fs.readFileSync(path);
  if (b.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path}: not an NPY file`);
  const headerLen = b.readUInt16LE(8);
  const header = b.toString('latin1', 10, 10 + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim()).map(Number);
  const start = 10 + headerLen;
  const bytes = b.buffer.slice(b.byteOffset + start, b.byteOffset + b.length);
  const data = descr === '<f4' ? new Float32Array(bytes) : descr === '<f8' ? new Float64Array(bytes) : null;
  if (!data) throw new Error(`${path}: unsupported dtype ${descr}`);
  return { shape, data };
}

function writeNpy(path, data, shape) {
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  fs.writeFileSync(path, Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

module.exports = { readNpy, writeNpy };
