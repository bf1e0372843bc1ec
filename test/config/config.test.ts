import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

t.test('no configuration at all gives embedded defaults', async (t) => {
  const config = loadConfig({});
  t.equal(config.NODE_ENV, 'development');
  t.equal(config.DATABASE_URL, undefined);
  t.equal(config.MINIO_ENDPOINT, undefined);
  t.equal(config.PORT, 3000);
  t.match(config.DATA_DIR, /\.data$/);
});

t.test('every bad value is reported with its variable and rule', async (t) => {
  const error = (() => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url', MINIO_BUCKET: 'Bad_Bucket', MASTER_KEY: 'c2hvcnQ=', LOG_LEVEL: 'loud' });
    } catch (e) {
      return e;
    }
  })();
  t.type(error, ConfigError);
  const text = (error as ConfigError).message;
  t.match(text, /PORT: /);
  t.match(text, /DATABASE_URL: /);
  t.match(text, /MINIO_BUCKET: must be a valid S3 bucket name/);
  t.match(text, /MASTER_KEY: must be 32 bytes/);
  t.match(text, /LOG_LEVEL: /);
  t.equal((error as ConfigError).problems.length, 5);
});

t.test('production refuses embedded fallbacks and generated secrets', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), /DATABASE_URL: is required when NODE_ENV=production[\s\S]*MASTER_KEY: is required/);
});

t.test('empty variables count as unset', async (t) => {
  t.equal(loadConfig({ DATABASE_URL: '' }).DATABASE_URL, undefined);
});

t.test('TRUST_PROXY: none by default, a hop count, or addresses and CIDRs; anything else refused', async (t) => {
  t.equal(loadConfig({}).TRUST_PROXY, false);
  t.equal(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY, 1);
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).TRUST_PROXY, ['10.0.0.0/8', '127.0.0.1', '::1']);
  t.throws(() => loadConfig({ TRUST_PROXY: 'true' }), /TRUST_PROXY/);
  t.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' }), /TRUST_PROXY/);
});
