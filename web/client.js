// Talks to worker.js: call(cmd, args) -> Promise of the result; errors reject with an Error.
export class DmtClient {
  constructor(base = new URL('.', import.meta.url)) {
    this.worker = new Worker(new URL('worker.js', base), { type: 'module' });
    this.pending = new Map();
    this.next = 1;
    this.worker.onmessage = (ev) => {
      const { id, result, error } = ev.data;
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (error !== undefined) p.reject(new Error(error));
      else p.resolve(result);
    };
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      const err = new Error(`worker failed: ${ev.message || 'could not load the module'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.failed = err;
    };
  }
  call(cmd, args) {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, cmd, args });
    });
  }
  terminate() {
    this.worker.terminate();
  }
}
