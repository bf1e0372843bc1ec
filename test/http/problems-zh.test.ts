/**
 * Every 4xx a worker or an official can meet carries a Chinese `messageZh` at the top of the
 * problem (the pages show it, never the English detail): the specific one where the service
 * gave one, else its first field's, else the status's.
 */
import type { InjectOptions } from 'fastify';
import t from 'tap';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';

const { app, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const han = /\p{Script=Han}/u;

t.test('the 4xx answers workers and officials meet say what happened in Chinese', async (t) => {
  const official = (await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: '王检查', role: 'inspection', regionCode: '1401' } })).json();
  const employer = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(361) })).json();
  const why = `purpose=${encodeURIComponent('日常检查')}`;
  const contract = `/api/v1/government/contracts/00000000-0000-4000-8000-000000000000?${why}`;
  const cases: [string, InjectOptions, number, string | RegExp][] = [
    ['an unknown signing link', { method: 'GET', url: `/api/v1/signing/${'x'.repeat(43)}` }, 404, han],
    ['the portal without logging in', { method: 'GET', url: '/api/v1/portal/contracts' }, 401, '登录'],
    ['a verification sent as JSON', { method: 'POST', url: '/api/v1/verify', payload: { pdf: 'x' } }, 415, 'PDF'],
    ['a verification of another media type', { method: 'POST', url: '/api/v1/verify', headers: { 'content-type': 'text/html' }, payload: '<p>' }, 415, '不支持'],
    ['the government API without a key', { method: 'GET', url: contract }, 401, '请先登录或提供密钥'],
    ['the government API with an unknown key', { method: 'GET', url: contract, headers: bearer('lsk_unknown') }, 401, '密钥无效或已被吊销'],
    ['the government API with an employer key', { method: 'GET', url: contract, headers: bearer(employer.apiKey) }, 403, '只有政府工作人员的密钥可以使用此功能'],
    ['a contract that does not exist', { method: 'GET', url: contract, headers: bearer(official.apiKey) }, 404, '未找到该合同'],
    ['a region outside the official’s', { method: 'GET', url: `/api/v1/inspection/employers?region=11&${why}`, headers: bearer(official.apiKey) }, 403, '超出您的辖区（1401）'],
    ['an employer outside the region', { method: 'GET', url: `/api/v1/inspection/employers/${employer.uscc}?${why}`, headers: bearer(official.apiKey) }, 404, '辖区内没有该用人单位'],
    ['a page that does not exist', { method: 'GET', url: '/nowhere' }, 404, '没有这个页面或接口，请检查链接'],
  ];
  for (const [what, request, status, zh] of cases) {
    const response = await app.inject(request);
    t.equal(response.statusCode, status, `${what}: ${response.body}`);
    t.match(response.headers['content-type'], /application\/problem\+json/, what);
    const problem = response.json() as { messageZh?: string };
    t.match(problem.messageZh, han, `${what}: 「${problem.messageZh}」`);
    t.match(problem.messageZh, zh, what);
  }
});
