import fs from 'node:fs';
import path from 'node:path';

/**
 * The repository's documents hold together, and a clone of it alone is complete: the README
 * opens with the two commands and stays user documentation; every relative link of a Markdown
 * file, and every path a script builds from its own folder, stays inside the repository and
 * names a file that exists; code that cites docs/SPEC.md or docs/INDEX_METHOD.md cites a
 * section or rule those documents have; and no file keeps a diary of the work (the word for a
 * sitting of work means only a database or protocol one here; the history is in git). No
 * database, no server.
 */

const ROOT = path.resolve(__dirname, '..');
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', '.data', 'coverage']);

/** Every text file of the repository, relative to its root (binary files, with a NUL byte, are left out). */
function textFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...textFiles(path.join(dir, entry.name)));
    } else if (entry.isFile()) {
      const file = path.join(dir, entry.name);
      if (!fs.readFileSync(file).includes(0)) out.push(path.relative(ROOT, file));
    }
  }
  return out;
}

const FILES = textFiles();
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const inside = (absolute: string) => absolute === ROOT || absolute.startsWith(ROOT + path.sep);

/** Relative link targets of a Markdown text, with their #anchor if any (web and mail links left out). */
function linksWithAnchors(markdown: string): { file: string; anchor: string | null }[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .map((target) => {
      const [file, anchor] = target.split('#');
      return { file: decodeURIComponent(file), anchor: anchor ?? null };
    });
}

/** Relative link targets of a Markdown text, without their #anchor (in-page links left out). */
function relativeLinks(markdown: string): string[] {
  return linksWithAnchors(markdown)
    .map((l) => l.file)
    .filter((file) => file !== '');
}

/** The anchors of a Markdown file's headings, as GitHub makes them. */
function anchors(markdown: string): Set<string> {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set(
    [...prose.matchAll(/^#{1,6} +(.+)$/gm)].map((m) =>
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

describe('README', () => {
  const readme = read('README.md');
  const lines = readme.split('\n');

  it('opens with the title and the two commands that run the API and the tests', () => {
    expect(lines.slice(0, 3)).toEqual(['# Service Index', '', '```sh']);
    expect(lines[3]).toMatch(/^npm ci && npm start(\s|$)/);
    expect(lines[4]).toMatch(/^npm ci && npm test(\s|$)/);
    expect(lines[5]).toBe('```');
  });

  it('stays user documentation: under 350 lines', () => {
    expect(lines.length).toBeLessThan(350);
  });

  it('links every document of docs/, and each document it links exists', () => {
    const linked = new Set(relativeLinks(readme).filter((t) => t.startsWith('docs/') && t.endsWith('.md')));
    const present = fs
      .readdirSync(path.join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`);
    expect(present.filter((doc) => !linked.has(doc))).toEqual([]);
    expect([...linked].filter((doc) => !fs.existsSync(path.join(ROOT, doc)))).toEqual([]);
  });
});

describe('nothing outside the repository', () => {
  it('every relative link of a Markdown file names a file inside the repository', () => {
    const broken: string[] = [];
    for (const file of FILES.filter((f) => f.endsWith('.md'))) {
      for (const target of relativeLinks(read(file))) {
        const absolute = path.resolve(ROOT, path.dirname(file), target);
        if (!inside(absolute) || !fs.existsSync(absolute)) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every #anchor of a link to a Markdown file names one of its headings', () => {
    const missing: string[] = [];
    for (const file of FILES.filter((f) => f.endsWith('.md'))) {
      for (const { file: target, anchor } of linksWithAnchors(read(file))) {
        if (anchor === null || (target !== '' && !target.endsWith('.md'))) continue;
        const linked = target === '' ? path.join(ROOT, file) : path.resolve(ROOT, path.dirname(file), target);
        if (fs.existsSync(linked) && !anchors(fs.readFileSync(linked, 'utf8')).has(anchor)) missing.push(`${file}: ${target}#${anchor}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('no script builds a path out of the repository from its own folder', () => {
    const escaping: string[] = [];
    for (const file of FILES.filter((f) => /\.(ts|js)$/.test(f))) {
      for (const m of read(file).matchAll(/path\.(?:resolve|join)\(\s*__dirname\s*,((?:\s*'[^']*'\s*,?)+)\)/g)) {
        const parts = [...m[1].matchAll(/'([^']*)'/g)].map((p) => p[1]);
        // A compiled file runs from dist/, one level deeper: either place may be the one meant.
        const from = [path.dirname(file), path.join('dist', path.dirname(file))];
        if (!from.some((dir) => inside(path.resolve(ROOT, dir, ...parts)))) escaping.push(`${file}: ${m[0]}`);
      }
    }
    expect(escaping).toEqual([]);
  });

  it('no file names the shared folder that once stood beside the repository', () => {
    const named = FILES.filter((f) => /\.\.\/shared\b|\bshared\/(SPEC|INDEX_METHOD|examples)\b/.test(read(f)));
    expect(named).toEqual([]);
  });
});

describe('citations of the spec and the scoring method', () => {
  const spec = read('docs/SPEC.md');
  const method = read('docs/INDEX_METHOD.md').toLowerCase();
  const sources = FILES.filter((f) => /\.(ts|js|graphql)$/.test(f));

  it('every "docs/SPEC.md §n" names a section docs/SPEC.md has', () => {
    const sections = new Set([...spec.matchAll(/^## (\d+)\. /gm)].map((m) => m[1]));
    const wrong = sources.flatMap((f) => [...read(f).matchAll(/docs\/SPEC\.md §(\d+)/g)].filter((m) => !sections.has(m[1])).map((m) => `${f}: ${m[0]}`));
    expect(wrong).toEqual([]);
  });

  it('every docs/INDEX_METHOD.md "rule" quotes words docs/INDEX_METHOD.md holds', () => {
    const wrong = sources.flatMap((f) =>
      [...read(f).matchAll(/docs\/INDEX_METHOD\.md "([^"]+)"/g)]
        .map((m) => m[1].replace(/\s*\n\s*(\*|\/\/)?\s*/g, ' ').toLowerCase())
        .filter((quoted) => !method.includes(quoted))
        .map((quoted) => `${f}: "${quoted}"`),
    );
    expect(wrong).toEqual([]);
  });
});

describe('no diary', () => {
  // Built from parts, so that this file passes its own check.
  const WORD = ['ses', 'sion'].join('');
  /** What the word may mean here: PostgreSQL's and the protocols' own. */
  const TECHNICAL = [
    `database ${WORD}s?`,
    `postgresql ${WORD}s?`,
    `${WORD} advisory lock`,
    `${WORD}-level`,
    `graphql-ws ${WORD}s?`,
    `http ${WORD}s?`,
    `websocket ${WORD}s?`,
  ];

  it(`uses the word "${WORD}" only for database and protocol ${WORD}s`, () => {
    const allowed = new RegExp(TECHNICAL.join('|'), 'gi');
    const found: string[] = [];
    for (const file of FILES) {
      read(file)
        .split('\n')
        .forEach((line, i) => {
          if (new RegExp(WORD, 'i').test(line.replace(allowed, ''))) found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
