import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CaptureSettings } from '../contract';
import { createAccessKey, isScheme, listAccessKeys } from '../server/admin';
import { openRepository } from '../server/repository/open';
import { SCHEMES, type Repository } from '../server/repository/types';
import { serverKeys, startServer, type ServerOptions } from '../server/start';
import { bizSettings, setBizSettings } from '../server/references/biz-settings';
import { referencesCommand } from './server-references';
import { parseCommandArgs, printError, printJson, type CliCommand, type CliIo } from './io';

const USAGE = `usage: renzheng server [--port N] [--host 127.0.0.1] [--data DIR] [--db postgres://…] [--public-url URL]
                       [--retention-days 30] [--allow-addresses CIDR,…] [--face-workers 2] [--face-queue 16]
                       [--rate 200] [--burst 400] [--far 0.0001] [--reference-retention-days 365]
                       [--h5-capture FILE.json]
       renzheng server keys create|list [--data DIR] [--db URL]
       renzheng server keys revoke ACCESS_KEY_ID [--data DIR] [--db URL]
       renzheng server biz create --biz NAME --scheme ${SCHEMES.join('|')} [--data DIR] [--db URL]
       renzheng server biz list [--data DIR] [--db URL]
       renzheng server biz enroll --biz NAME on|off [--data DIR] [--db URL]
       renzheng server references add --id-number N --name NAME --photo FILE [--data DIR] [--db URL]
       renzheng server references list|delete [--id-number N] [--data DIR] [--db URL]
A self-hosted service speaking the cloudauth (实人认证) API. The master key that seals AccessKey secrets
and images comes from RENZHENG_SERVER_MASTER_KEY (base64, 32 bytes) or DIR/master.key (mode 600,
created on first use). \`biz enroll on\` lets a passed kiosk verification whose person consented keep
the chip photo as a reference (face_verify, the H5 page). --h5-capture names a JSON file of capture
settings (the kiosk's capture section: activeChallenges, antispoofMin, …) the H5 page runs and the
service judges with; the kiosk's defaults otherwise; \`references delete\` removes every copy. --db defaults to RENZHENG_SERVER_DB_URL; SQLite in DIR otherwise.
`;

const options = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  db: { type: 'string' },
  'public-url': { type: 'string' },
  'retention-days': { type: 'string' },
  'allow-addresses': { type: 'string' },
  'face-workers': { type: 'string' },
  'face-queue': { type: 'string' },
  rate: { type: 'string' },
  burst: { type: 'string' },
  far: { type: 'string' },
  biz: { type: 'string' },
  scheme: { type: 'string' },
  'id-number': { type: 'string' },
  name: { type: 'string' },
  photo: { type: 'string' },
  'reference-retention-days': { type: 'string' },
  'h5-capture': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const count = (min: number) => z.coerce.number().int().min(min);
const Flags = z.object({
  port: count(0).max(65535).optional(),
  'retention-days': z.coerce.number().positive().optional(),
  'reference-retention-days': z.coerce.number().positive().optional(),
  'face-workers': count(1).max(16).optional(),
  'face-queue': count(0).optional(),
  rate: z.coerce.number().positive().optional(),
  burst: count(1).optional(),
  far: z.coerce.number().positive().optional(),
  'public-url': z.url().optional(),
  db: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
});

/** The H5 page's capture policy from a JSON file; a bad file stops the start with what is wrong. */
async function readH5Capture(file: string): Promise<Partial<CaptureSettings>> {
  const parsed = CaptureSettings.partial().safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`--h5-capture ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function dataDirOf(values: { data?: string }, env: CliIo['env']): string {
  return values.data ?? env.RENZHENG_SERVER_DATA_DIR ?? join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'renzheng-server');
}

async function withRepository<T>(dataDir: string, dbUrl: string | undefined, work: (repo: Repository) => Promise<T>): Promise<T> {
  const repo = await openRepository({ dataDir, dbUrl });
  try {
    return await work(repo);
  } finally {
    await repo.close();
  }
}

/** Runs until SIGINT/SIGTERM, then finishes requests in flight and exits 0. */
async function serve(io: CliIo, server: ServerOptions): Promise<number> {
  const running = await startServer(server);
  io.stderr(`renzheng server listening at ${running.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      running.logger.info('shutting down: finishing requests in flight');
      void running.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

export const run: CliCommand = async (args, io) => {
  const parsed = parseCommandArgs(io, 'server', USAGE, { args, options, allowPositionals: true, strict: true });
  if (typeof parsed === 'number') return parsed;
  const flags = Flags.safeParse(parsed.values);
  if (!flags.success) {
    const issue = flags.error.issues[0]!;
    io.stderr(`renzheng server: --${issue.path.join('.')} ${issue.message}\n${USAGE}`);
    return 2;
  }
  const f = flags.data;
  const dataDir = dataDirOf(parsed.values, io.env);
  const dbUrl = f.db ?? io.env.RENZHENG_SERVER_DB_URL;
  const [group, verb, ...rest] = parsed.positionals;
  try {
    if (group === undefined) {
      return await serve(io, {
        host: parsed.values.host,
        port: f.port ?? 8040,
        dataDir,
        dbUrl,
        publicUrl: f['public-url'],
        env: io.env,
        retentionDays: f['retention-days'],
        allowAddresses: parsed.values['allow-addresses']?.split(',').filter(Boolean),
        faceWorkers: f['face-workers'],
        faceQueue: f['face-queue'],
        throttle: f.rate || f.burst ? { ratePerSecond: f.rate ?? 200, burst: f.burst ?? Math.ceil((f.rate ?? 200) * 2) } : undefined,
        far: f.far,
        referenceRetentionDays: f['reference-retention-days'],
        h5: parsed.values['h5-capture'] ? { capture: await readH5Capture(parsed.values['h5-capture']) } : undefined,
      });
    }
    if (group === 'keys' && (verb === 'create' || verb === 'list' || verb === 'revoke')) {
      const keys = serverKeys(dataDir, io.env);
      return await withRepository(dataDir, dbUrl, async (repo) => {
        if (verb === 'create') {
          // The secret is shown once, as the last line, so scripts can take it with `tail -1`.
          printJson(io, await createAccessKey(repo, keys.secrets));
          return 0;
        }
        if (verb === 'list') {
          printJson(io, await listAccessKeys(repo));
          return 0;
        }
        const id = rest[0];
        if (!id) {
          io.stderr(`renzheng server keys revoke: name the AccessKeyId\n${USAGE}`);
          return 2;
        }
        if (!(await repo.revokeAccessKey(id, new Date()))) {
          printError(io, 'InvalidAccessKeyId.NotFound', `No AccessKey ${id} exists here; see \`renzheng server keys list\`.`);
          return 1;
        }
        printJson(io, { AccessKeyId: id, Status: 'Inactive' });
        return 0;
      });
    }
    if (group === 'references') {
      const keys = serverKeys(dataDir, io.env);
      return await withRepository(dataDir, dbUrl, (repo) =>
        referencesCommand(io, repo, keys, { verb, idNumber: parsed.values['id-number'], name: parsed.values.name, photo: parsed.values.photo, retentionDays: f['reference-retention-days'] }, USAGE),
      );
    }
    if (group === 'biz' && verb === 'enroll') {
      return await withRepository(dataDir, dbUrl, async (repo) => {
        const name = parsed.values.biz;
        const on = rest[0];
        if (!name || (on !== 'on' && on !== 'off')) {
          io.stderr(`renzheng server biz enroll: --biz NAME and on or off are required\n${USAGE}`);
          return 2;
        }
        if (!(await repo.getBiz(name))) {
          printError(io, 'InvalidParam.InvalidBiz', `No biz named ${name}; create it with \`renzheng server biz create\`.`);
          return 1;
        }
        await setBizSettings(repo, name, { ...(await bizSettings(repo, name)), enrollReferences: on === 'on' }, new Date());
        printJson(io, { Biz: name, EnrollReferences: on === 'on' });
        return 0;
      });
    }
    if (group === 'biz' && (verb === 'create' || verb === 'list')) {
      return await withRepository(dataDir, dbUrl, async (repo) => {
        if (verb === 'list') {
          printJson(io, (await repo.listBiz()).map((b) => ({ Biz: b.name, Scheme: b.scheme, CreateDate: b.createdAt.toISOString() })));
          return 0;
        }
        const name = parsed.values.biz;
        const scheme = parsed.values.scheme ?? '';
        // '@…' names belong to the service itself (face_verify's sessions live under '@face_verify').
        if (!name || name.startsWith('@') || !isScheme(scheme)) {
          io.stderr(`renzheng server biz create: --biz NAME and --scheme ${SCHEMES.join('|')} are required\n${USAGE}`);
          return 2;
        }
        if (!(await repo.createBiz({ name, scheme, createdAt: new Date() }))) {
          printError(io, 'BizExists', `A biz named ${name} exists already; pick another name.`);
          return 1;
        }
        printJson(io, { Biz: name, Scheme: scheme });
        return 0;
      });
    }
    io.stderr(`renzheng server: unknown subcommand '${[group, verb].filter(Boolean).join(' ')}'\n${USAGE}`);
    return 2;
  } catch (error) {
    printError(io, 'ServerError', error instanceof Error ? error.message : String(error));
    return 1;
  }
};
