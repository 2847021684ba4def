/**
 * The file piscina loads in each worker: CommonJS on purpose. Piscina first
 * `require()`s its worker file; requiring the ESM worker (bought-worker.ts)
 * goes through Node 20's require(esm), and once in a few dozen worker starts
 * Node then failed an internal assertion when piscina fell back to import()
 * ("a module that is imported again after being required"), killing the
 * process. A CommonJS file is required plainly and imports the ESM worker
 * exactly once.
 */
type Worker = typeof import('./bought-worker.js');

let worker: Promise<Worker> | undefined;

export = async function runWorkerRequest(request: Parameters<Worker['default']>[0]): Promise<ReturnType<Worker['default']>> {
  worker ??= import('./bought-worker.js');
  return (await worker).default(request);
};
