#!/usr/bin/env node
// Who touches the data. Each table has one owner: the repository class in its feature (src/<feature>/*.repository.ts).
// Prints, file by file, what breaks that rule; with --strict, exits 1 if anything does (npm run lint passes --strict).
//   1. an import of another feature's entity file (a feature hands out its rows' types from its repository);
//   2. the ORM used outside a repository: typeorm or @nestjs/typeorm imported by a file that is not a repository,
//      an entity, a module (TypeOrmModule.forFeature), a migration or part of src/database;
//   3. a branch on the SQL dialect ('postgres' / 'sqlite') outside repositories, src/database and src/config;
//   4. an entity registered (TypeOrmModule.forFeature) by a module other than its own feature's.
// Usage: node .ci/table-owners.mjs [--strict]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'migrations' && name !== 'client') walk(path);
    } else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) files.push(path);
  }
})(src);

const featureOf = (path) => relative(src, path).split('/')[0].replace(/\.ts$/, '');
const isRepository = (p) => p.endsWith('.repository.ts');
const isEntity = (p) => p.endsWith('.entity.ts');
const isModule = (p) => p.endsWith('.module.ts');
const inDatabase = (p) => featureOf(p) === 'database';
const findings = { crossEntity: [], orm: [], dialect: [], registration: [] };

for (const path of files) {
  const text = readFileSync(path, 'utf8');
  const rel = relative(root, path);
  const imports = [...text.matchAll(/import\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)'/g)];
  for (const [, , what, from] of imports) {
    if (from.startsWith('.') && from.endsWith('.entity')) {
      const target = resolve(dirname(path), from);
      if (featureOf(target + '.ts') !== featureOf(path) && !inDatabase(path))
        findings.crossEntity.push(`${rel}: ${relative(src, target)}`);
    }
    if (
      (from === 'typeorm' || from === '@nestjs/typeorm') &&
      !(isRepository(path) || isEntity(path) || inDatabase(path))
    ) {
      if (isModule(path) && /^\{\s*TypeOrmModule\s*\}$/.test(what.trim())) continue;
      findings.orm.push(`${rel}: ${what.replace(/\s+/g, ' ').trim()} from ${from}`);
    }
  }
  if (!isRepository(path) && !inDatabase(path) && featureOf(path) !== 'config' && /'(postgres|sqlite)'/.test(text))
    findings.dialect.push(rel);
  for (const [, list] of text.matchAll(/TypeOrmModule\.forFeature\(\[([^\]]*)\]/g)) {
    for (const name of list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const imp = imports.find(([, , what]) => new RegExp(`\\b${name}\\b`).test(what));
      const target = imp ? resolve(dirname(path), imp[3]) + '.ts' : '';
      if (target && featureOf(target) !== featureOf(path)) findings.registration.push(`${rel}: ${name}`);
    }
  }
}

const titles = {
  crossEntity: "files importing another feature's entity",
  orm: 'files using the ORM outside a repository',
  dialect: 'files branching on the SQL dialect outside a repository',
  registration: "entities registered by another feature's module",
};
let total = 0;
for (const [key, list] of Object.entries(findings)) {
  const count = new Set(list.map((l) => l.split(':')[0])).size;
  total += list.length;
  console.log(`${titles[key]}: ${count}`);
  for (const line of list) console.log(`  ${line}`);
}
// 5. every table has its repository, named after its entity (subscriber.entity.ts -> subscriber.repository.ts).
console.log('tables and their owners:');
for (const path of files.filter(isEntity).sort()) {
  const table = /@Entity\('([^']+)'\)/.exec(readFileSync(path, 'utf8'))?.[1];
  if (!table) continue;
  const owner = path.replace(/\.entity\.ts$/, '.repository.ts');
  const found = files.includes(owner);
  console.log(`  ${table}: ${found ? relative(root, owner) : 'NO REPOSITORY'}`);
  if (!found) total += 1;
}
if (process.argv.includes('--strict') && total > 0) process.exit(1);
