import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUnderBase, splitConnection } from './connection.js';
import { parseDestination } from './destination.parser.js';
import { fileEtag, parseContentRange, parseRange } from './range.js';

const pathsOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return ((e as { errors?: Array<{ path: string }> }).errors ?? []).map((x) => x.path);
  }
  return [];
};

describe('byte ranges', () => {
  it('reads single ranges, suffixes and open ends; ignores what it does not understand; refuses what lies outside', () => {
    assert.deepEqual(parseRange('bytes=0-99', 1000), { start: 0, end: 99 });
    assert.deepEqual(parseRange('bytes=900-', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=-100', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=990-5000', 1000), { start: 990, end: 999 });
    for (const h of [undefined, 'bytes=0-1,5-6', 'items=0-1', 'bytes=5-2', 'bytes=-']) assert.equal(parseRange(h, 1000), undefined, h);
    for (const h of ['bytes=1000-', 'bytes=-0']) assert.equal(parseRange(h, 1000), 'unsatisfiable', h);
    assert.deepEqual(parseContentRange('bytes 10-19/100'), { start: 10, end: 19, size: 100 });
    assert.equal(parseContentRange('bytes */100'), undefined);
    assert.notEqual(fileEtag(10, 1000.5), fileEtag(10, 1000.6));
  });
});

describe('destinations', () => {
  it('accepts file, folder and rest destinations', () => {
    assert.deepEqual(parseDestination({ type: 'file', path: '/data/x.csv' }, '/body/dataDestination'), { type: 'file', path: '/data/x.csv' });
    assert.deepEqual(parseDestination({ type: 'rest', url: 'https://crm.example/in', method: 'PUT', connection: 'crm' }, '/d'), { type: 'rest', url: 'https://crm.example/in', method: 'PUT', connection: 'crm' });
  });
  it('names every offending field under the given path', () => {
    assert.deepEqual(pathsOf(() => parseDestination('x', '/body/dataDestination')), ['/body/dataDestination']);
    assert.deepEqual(pathsOf(() => parseDestination({ type: 'ftp' }, '/d')), ['/d/type']);
    assert.deepEqual(pathsOf(() => parseDestination({ type: 'folder', path: '/a/../etc', extra: 1 }, '/d')), ['/d/extra', '/d/path']);
    assert.deepEqual(pathsOf(() => parseDestination({ type: 'file', path: 'relative' }, '/d')), ['/d/path']);
    assert.deepEqual(pathsOf(() => parseDestination({ type: 'rest', url: 'https://u:p@x.example', method: 'GET', connection: 'a b' }, '/d')), ['/d/url', '/d/method', '/d/connection']);
  });
});

describe('connections', () => {
  it('keeps secrets out of the settings', () => {
    const pg = splitConnection({ name: 'w', kind: 'postgres', url: 'postgresql://u:secret@db.example:5432/x' });
    assert.deepEqual(pg.settings, { kind: 'postgres', displayUrl: 'postgresql://u@db.example:5432/x' });
    assert.deepEqual(pg.secret, { kind: 'postgres', url: 'postgresql://u:secret@db.example:5432/x' });
    const http = splitConnection({ name: 'h', kind: 'http', url: 'https://api.example/v1', headers: { 'X-Api-Key': 'k' } });
    assert.deepEqual(http.settings, { kind: 'http', baseUrl: 'https://api.example/v1', headerNames: ['X-Api-Key'] });
    assert.ok(!JSON.stringify(http.settings).includes('"k"'));
    assert.deepEqual(pathsOf(() => splitConnection({ name: 'h', kind: 'http', url: 'https://api.example/?q=1', headers: { 'bad name': 'v' } })), ['/body/url', '/body/headers/bad name']);
    assert.deepEqual(pathsOf(() => splitConnection({ name: 'p', kind: 'postgres', url: 'https://x', headers: {} })), ['/body/url', '/body/headers']);
  });
  it('sends credentials only under the base URL', () => {
    assert.equal(isUnderBase('https://api.example/v1/x?y=1', 'https://api.example/v1'), true);
    assert.equal(isUnderBase('https://api.example/v1', 'https://api.example/v1/'), false);
    assert.equal(isUnderBase('https://api.example/v10/x', 'https://api.example/v1'), false);
    assert.equal(isUnderBase('https://api.example.evil/v1/x', 'https://api.example/v1'), false);
    assert.equal(isUnderBase('http://api.example/v1/x', 'https://api.example/v1'), false);
  });
});
