import { posix } from 'node:path';

/** One row of docs/ARCHITECTURE.md's folder table. */
export interface FolderRule {
  folder: string; // 'main/services/' — always with a trailing slash
  mayImport: string[] | 'anything';
}

export interface HouseRules {
  folders: FolderRule[];
  /** Package name → the folders that may import it (any other folder may not). */
  packages: Map<string, string[]>;
}

export interface SourceFile {
  path: string; // repository-relative, forward slashes
  text: string;
}

export interface Violation {
  file: string;
  specifier: string;
  message: string;
}

const CODE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const ROOT_CONFIG_FILES = new Set(['electron.vite.config.ts', 'vitest.config.ts']);

function backticked(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

function tableRows(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/ARCHITECTURE.md has no "## ${heading}" section`);
  const section = markdown.slice(start + 1).split(/\n## /)[0]!;
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1) // header row
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
}

/** Reads the folder and package tables of docs/ARCHITECTURE.md. */
export function parseHouseRules(markdown: string): HouseRules {
  const folders = tableRows(markdown, 'Folders').map((cells): FolderRule => {
    const [folderCell, , , importCell] = cells;
    const [folder] = backticked(folderCell ?? '');
    if (!folder?.endsWith('/')) throw new Error(`folder table row without a \`folder/\`: ${cells.join(' | ')}`);
    const may = importCell ?? '';
    return { folder, mayImport: may.trim() === 'anything' ? 'anything' : backticked(may) };
  });
  const packages = new Map<string, string[]>();
  for (const [pkgCell, onlyIn] of tableRows(markdown, 'Packages that only some folders may use')) {
    const [pkg] = backticked(pkgCell ?? '');
    if (pkg) packages.set(pkg, backticked(onlyIn ?? ''));
  }
  return { folders, packages };
}

/** The most specific folder of the table that holds `path`, or null. */
export function folderOf(path: string, rules: HouseRules): FolderRule | null {
  let best: FolderRule | null = null;
  for (const rule of rules.folders) {
    if (path.startsWith(rule.folder) && (!best || rule.folder.length > best.folder.length)) best = rule;
  }
  return best;
}

/** Every module specifier a file names: static imports and re-exports, import(), require(), vi.mock(). */
export function importSpecifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require|vi\.mock|vi\.doMock|vi\.importActual)\s*\(\s*['"]([^'"]+)['"]/g,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1]!);
  return found;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** What a relative specifier points at, repository-relative (extension and /index left as written). */
function resolveRelative(from: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(from), specifier));
}

export function isCodeFile(path: string): boolean {
  return CODE_EXTENSIONS.some((ext) => path.endsWith(ext)) && !path.endsWith('.d.ts');
}

/** Checks every file against the rules; each violation names the file and the import. */
export function findViolations(files: SourceFile[], rules: HouseRules): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    if (!isCodeFile(file.path) || ROOT_CONFIG_FILES.has(file.path)) continue;
    const own = folderOf(file.path, rules);
    if (!own) {
      violations.push({ file: file.path, specifier: '', message: `${file.path} is in no folder of docs/ARCHITECTURE.md; add its folder to the table` });
      continue;
    }
    for (const specifier of importSpecifiers(file.text)) {
      if (specifier.startsWith('.')) {
        if (own.mayImport === 'anything') continue;
        const target = resolveRelative(file.path, specifier);
        if (target.startsWith('..')) {
          violations.push({ file: file.path, specifier, message: `${file.path} imports '${specifier}', outside the repository` });
          continue;
        }
        const targetFolder = folderOf(target, rules) ?? folderOf(`${target}/`, rules);
        if (!targetFolder || targetFolder === own) continue;
        if (!own.mayImport.includes(targetFolder.folder)) {
          violations.push({
            file: file.path,
            specifier,
            message: `${file.path} imports '${specifier}' (${targetFolder.folder}), but ${own.folder} may import only ${own.mayImport.join(', ') || 'nothing'}`,
          });
        }
        continue;
      }
      const allowedIn = rules.packages.get(packageName(specifier));
      if (allowedIn && !allowedIn.includes(own.folder)) {
        violations.push({ file: file.path, specifier, message: `${file.path} imports the package '${specifier}', which only ${allowedIn.join(', ')} may use` });
      }
    }
  }
  return violations;
}
