// The inspector console's overview: the region's stored figures (the day's supervision run), a
// drill-down province → city → county, and the region's employers ranked by workers without a
// written contract, a page at a time (the cursor keeps the pages on one run) or as CSV. Each call
// carries the official's purpose, like every read of the host.
import { $, buttonOf, control, esc, saveDownload } from './dom.js';

const levelNames = { province: '省', city: '市', county: '县（区）' };
const percent = (rate) => (rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`);

/** Wires the overview into the console; `host` gives its api, reason, openEmployer, showError and clearError. */
export function overview(host) {
  let trail = [];
  let next = null;
  let region = null;
  let rank = 0;

  const rankingParams = () => {
    const params = host.reason();
    params.set('region', region);
    if (control('ranking-at-risk').checked) params.set('atRisk', 'true');
    return params;
  };

  async function showRanking(more) {
    const params = rankingParams();
    params.set('limit', '20');
    if (more && next) params.set('after', next);
    const page = await (await host.api(`/api/v1/inspection/ranking?${params}`)).json();
    if (!more) {
      rank = 0;
      $('ranking-rows').innerHTML = '';
      $('ranking-total').textContent = page.total === null ? '' : `共 ${page.total} 家`;
    }
    $('ranking-rows').insertAdjacentHTML(
      'beforeend',
      page.items
        .map((e) => {
          rank += 1;
          return `<tr><td>${rank}</td><td>${esc(e.name)}<br><small>${esc(e.regionName ?? e.regionCode)} · ${esc(e.uscc)}</small></td><td>${e.headcount}</td><td>${e.unsigned ? `<span class="tag">${e.unsigned}</span>` : '0'}</td><td><button data-uscc="${esc(e.uscc)}">查看</button></td></tr>`;
        })
        .join('') || (more ? '' : '<tr><td colspan="5">辖区内暂无用人单位</td></tr>'),
    );
    next = page.next;
    $('ranking-more').classList.toggle('hidden', !next);
  }

  async function show(code) {
    const params = host.reason();
    params.set('region', code);
    const view = await (await host.api(`/api/v1/inspection/overview?${params}`)).json();
    region = code;
    const at = trail.findIndex((step) => step.code === code);
    trail = at >= 0 ? trail.slice(0, at + 1) : [...trail, { code, name: view.region.name ?? code }];
    $('overview-path').innerHTML = trail
      .map((step, i) =>
        i === trail.length - 1 ? `<b>${esc(shortName(step, trail[i - 1]))}</b>` : `<button type="button" data-region="${esc(step.code)}">${esc(shortName(step, trail[i - 1]))}</button>`,
      )
      .join(' › ');
    $('overview-date').textContent = view.asOf ? `数据日期：${view.asOf}（每日监管统计）` : '尚无每日监管统计，请稍后再试';
    $('overview-headcount').textContent = view.region.headcount;
    $('overview-rate').textContent = percent(view.region.signingRate);
    $('overview-unsigned').textContent = view.region.unsigned;
    $('overview-children-card').classList.toggle('hidden', view.children.length === 0);
    $('overview-children').innerHTML = view.children
      .map(
        (c) =>
          `<tr><td>${esc(shortName({ name: c.name ?? c.code }, { name: view.region.name ?? '' }))}<br><small>${esc(levelNames[c.level] ?? '')} · ${esc(c.code)} · ${c.employers} 家单位</small></td><td>${c.headcount}</td><td>${percent(c.signingRate)}</td><td>${c.unsigned ? `<span class="tag">${c.unsigned}</span>` : '0'}</td><td><button type="button" data-region="${esc(c.code)}">下钻</button></td></tr>`,
      )
      .join('');
    await showRanking(false);
    $('overview').classList.remove('hidden');
  }

  const guarded = (work) => async (event) => {
    host.clearError();
    try {
      await work(event);
    } catch (problem) {
      host.showError(problem);
    }
  };

  $('show-overview').addEventListener(
    'click',
    guarded(async () => {
      const code = control('region').value.trim();
      if (!/^\d{2,6}$/.test(code)) throw { detail: '请填写辖区行政区划代码（2 至 6 位数字）。' };
      trail = [];
      await show(code.replace(/(00)+$/, '') || code);
      $('overview').scrollIntoView({ behavior: 'smooth' });
    }),
  );
  for (const list of ['overview-path', 'overview-children'])
    $(list).addEventListener(
      'click',
      guarded(async (event) => {
        const code = buttonOf(event, 'button[data-region]')?.dataset.region;
        if (code) await show(code);
      }),
    );
  $('ranking-rows').addEventListener('click', (event) => {
    const uscc = buttonOf(event, 'button[data-uscc]')?.dataset.uscc;
    if (uscc) host.openEmployer(uscc);
  });
  $('ranking-more').addEventListener(
    'click',
    guarded(() => showRanking(true)),
  );
  $('ranking-at-risk').addEventListener(
    'change',
    guarded(() => (region ? showRanking(false) : undefined)),
  );
  $('ranking-csv').addEventListener(
    'click',
    guarded(async () => {
      const response = await host.api(`/api/v1/inspection/ranking.csv?${rankingParams()}`);
      await saveDownload(response, `风险排序-${region}.csv`);
    }),
  );
}

/** A child's name without its parent's: 运城市 under 山西省, not 山西省运城市. */
function shortName(step, parent) {
  return parent && step.name.startsWith(parent.name) && step.name.length > parent.name.length ? step.name.slice(parent.name.length) : step.name;
}
