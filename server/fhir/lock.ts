/** A municipality's bundles one at a time within this process (PostgreSQL adds an advisory lock across processes). */
const queues = new Map<string, Promise<unknown>>();

export async function withMunicipalityLock<T>(municipality: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(municipality) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(work);
  queues.set(municipality, run);
  try {
    return await run;
  } finally {
    if (queues.get(municipality) === run) queues.delete(municipality);
  }
}
