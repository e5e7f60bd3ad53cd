import type { Command } from 'commander';

/** `doctor`; its checks (database, Redis, SMTP clients) load only when it runs. */
export function registerDoctorCommand(program: Command, setExitCode: (code: number) => void, envPath: string): void {
  program
    .command('doctor')
    .description('check database, Redis, SMTP and bot tokens; exits 1 when something needs fixing')
    .action(async () => {
      const { runDoctor } = await import('./doctor.js');
      setExitCode(await runDoctor(envPath));
    });
}
