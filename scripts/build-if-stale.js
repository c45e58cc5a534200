#!/usr/bin/env node
'use strict';
/**
 * Compiles the project (tsc -p tsconfig.build.json) only when dist/ may be out of date, so that
 * `npm start` and the CLIs answer at once when nothing changed instead of after a full build.
 *
 * What tsc reads: every file under the config's `include` entries (a superset of what it
 * compiles, so nothing it reads is missed), the config files of its `extends` chain, and
 * package.json and package-lock.json (another version of a dependency's types can change the
 * output). Their paths, sizes and modification times make a digest, written to
 * <outDir>/.build-stamp after a build that succeeded. dist is fresh when the stamp holds the
 * digest of now: any file added, removed, edited or touched since, even during the build (the
 * digest is taken before it starts), makes the next run compile; so does a missing or
 * unreadable stamp or config. Plain JavaScript, and without loading TypeScript (half a second)
 * when nothing changed: it must run before anything is compiled, and fast. Runs in the current
 * directory, as npm runs scripts in the project's root. `--force` compiles in any case.
 * Exit status: tsc's when it compiled and failed, else 0.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = process.cwd();
const configFile = path.join(root, 'tsconfig.build.json');

/** The config files from tsconfig.build.json along `extends`, and the include and outDir in force; undefined when one cannot be read. */
function readConfigs() {
  const files = [];
  let include;
  let outDir;
  for (let file = configFile; file;) {
    let config;
    try {
      config = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return undefined; // comments or another syntax JSON.parse does not take: compile
    }
    files.push(file);
    include ??= config.include && config.include.map((entry) => path.resolve(path.dirname(file), entry));
    outDir ??= config.compilerOptions && config.compilerOptions.outDir && path.resolve(path.dirname(file), config.compilerOptions.outDir);
    file = typeof config.extends === 'string' && config.extends.startsWith('.') ? path.resolve(path.dirname(file), config.extends) : undefined;
  }
  return include && outDir ? { files, include, outDir } : undefined;
}

/** Every file under the entry (itself when a file), with its stat. */
function* walk(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return;
  }
  if (!stat.isDirectory()) {
    yield [entry, stat];
    return;
  }
  for (const name of fs.readdirSync(entry).sort()) yield* walk(path.join(entry, name));
}

const configs = readConfigs();
const stampFile = configs && path.join(configs.outDir, '.build-stamp');
let digest = '';
if (configs) {
  const hash = crypto.createHash('sha256');
  for (const entry of [...configs.files, ...configs.include, path.join(root, 'package.json'), path.join(root, 'package-lock.json')]) {
    for (const [file, stat] of walk(entry)) hash.update(`${path.relative(root, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  digest = hash.digest('hex');
}

let stamp = '';
try {
  stamp = stampFile ? fs.readFileSync(stampFile, 'utf8').trim() : '';
} catch {
  // never built here, or dist was removed
}
if (digest && stamp === digest && !process.argv.includes('--force')) process.exit(0);

process.stderr.write('Compiling TypeScript …\n');
if (stampFile) fs.rmSync(stampFile, { force: true });
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root, __dirname] }), '-p', configFile], { stdio: ['ignore', 2, 2] });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
if (digest) {
  fs.mkdirSync(configs.outDir, { recursive: true });
  fs.writeFileSync(stampFile, `${digest}\n`);
}
