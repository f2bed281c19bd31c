/**
 * Runs a command's `main` and exits with the code it returns; a failure it did not catch
 * prints "<what> could not run: <message>" and exits 1 (the commands' shared last step).
 */
export function exitWith(main: () => Promise<number>, what: string): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${what} could not run: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
