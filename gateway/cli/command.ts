/** One `postbud` subcommand: its usage line and what it does with the remaining arguments. */
export interface CliCommand {
  usage: string;
  run(args: string[], env: NodeJS.ProcessEnv): Promise<void>;
}

export const databaseUrlOf = (env: NodeJS.ProcessEnv) =>
  env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postbud';
