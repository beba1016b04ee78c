/** A promise with a deadline: the error of `zuSpaet` when `p` has not settled within `ms` (the timer is always cleared). */
export async function mitFrist<T>(p: Promise<T>, ms: number, zuSpaet: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const frist = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(zuSpaet()), ms);
  });
  try {
    return await Promise.race([p, frist]);
  } finally {
    clearTimeout(timer);
  }
}
