import { useCallback, useEffect, useState } from 'react';
import type { AuditEntry, AuditFilter, Diagnostics, OperatorClient, OperatorSettingsPatch, OperatorSettingsView } from '../../contract/operator-channels';

type Tab = 'settings' | 'diagnostics' | 'audit';

/** The staff surface: settings, diagnostics, audit. Bilingual labels, since staff may read either. */
export function OperatorApp({ client }: { client: OperatorClient }) {
  const [tab, setTab] = useState<Tab>('settings');
  const [signedOut, setSignedOut] = useState(false);
  if (signedOut) return <main data-testid="signed-out"><p>已退出 · Signed out. Close this window.</p></main>;
  return (
    <>
      <header>
        <h1>工作人员 · Operator</h1>
        {(['settings', 'diagnostics', 'audit'] as Tab[]).map((name) => (
          <button key={name} aria-selected={tab === name} data-testid={`tab-${name}`} onClick={() => setTab(name)}>
            {{ settings: '设置 Settings', diagnostics: '诊断 Diagnostics', audit: '审计 Audit' }[name]}
          </button>
        ))}
        <span className="spacer" />
        <button onClick={() => void client.invoke('operator.signOut', {}).then(() => setSignedOut(true))}>退出 Sign out</button>
      </header>
      <main>
        {tab === 'settings' && <SettingsPanel client={client} />}
        {tab === 'diagnostics' && <DiagnosticsPanel client={client} />}
        {tab === 'audit' && <AuditPanel client={client} />}
      </main>
    </>
  );
}

function SettingsPanel({ client }: { client: OperatorClient }) {
  const [view, setView] = useState<OperatorSettingsView | null>(null);
  const [patch, setPatch] = useState<OperatorSettingsPatch>({});
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => void client.invoke('operator.settings.get', {}).then(setView, (e: Error) => setMessage(e.message)), [client]);
  if (!view) return <p>{message ?? '…'}</p>;
  const value = <K extends keyof OperatorSettingsView>(key: K) => (key in patch ? (patch as Record<string, unknown>)[key] : view[key]) as OperatorSettingsView[K];
  const change = (next: OperatorSettingsPatch) => setPatch((p) => ({ ...p, ...next }));
  const save = async () => {
    try {
      const saved = await client.invoke('operator.settings.update', patch);
      setView(saved.settings);
      setPatch({});
      setMessage(saved.restartNeeded ? '已保存；读卡器设置需重启后生效 · Saved; reader changes apply after a restart' : '已保存 · Saved');
    } catch (error) {
      setMessage((error as Error).message);
    }
  };
  const num = (key: keyof OperatorSettingsPatch & keyof OperatorSettingsView, label: string) => (
    <label>
      {label}
      <input type="number" data-testid={`setting-${key}`} value={String(value(key))} onChange={(e) => change({ [key]: Number(e.target.value) } as OperatorSettingsPatch)} />
    </label>
  );
  return (
    <form onSubmit={(e) => { e.preventDefault(); void save(); }} data-testid="settings-form">
      <label>
        核验方式 Provider
        <select data-testid="setting-provider" value={value('provider')} onChange={(e) => change({ provider: e.target.value as 'local' | 'cloudauth' })}>
          <option value="local">本机 local</option>
          <option value="cloudauth">云端 cloudauth</option>
        </select>
      </label>
      <label>
        云端地址 Endpoint
        <input data-testid="setting-endpoint" value={value('endpoint')} onChange={(e) => change({ endpoint: e.target.value })} />
      </label>
      <label>
        AccessKey ID
        <input autoComplete="off" placeholder={view.accessKeySet ? '已设置（不显示）· set, not shown' : '未设置 · not set'} onChange={(e) => change({ accessKeyId: e.target.value })} />
      </label>
      <label>
        AccessKey Secret
        <input type="password" autoComplete="off" placeholder={view.accessKeySet ? '已设置（不显示）· set, not shown' : '未设置 · not set'} onChange={(e) => change({ accessKeySecret: e.target.value })} />
      </label>
      <label>
        云端不可用时改用本机 Fall back to local
        <input type="checkbox" checked={value('fallbackToLocal')} onChange={(e) => change({ fallbackToLocal: e.target.checked })} />
      </label>
      <label>
        误识率 FAR (pass threshold)
        <select data-testid="setting-far" value={String(value('far'))} onChange={(e) => change({ far: Number(e.target.value) as 0.0001 | 0.001 | 0.01 })}>
          <option value="0.0001">0.01% (strict)</option>
          <option value="0.001">0.1%</option>
          <option value="0.01">1% (lenient)</option>
        </select>
      </label>
      {num('maxAttempts', '尝试次数 Attempts')}
      {num('consentTimeoutMs', '授权页超时 Consent timeout (ms)')}
      {num('captureTimeoutMs', '拍摄超时 Capture timeout (ms)')}
      {num('verifyTimeoutMs', '核验超时 Verify timeout (ms)')}
      {num('resultDisplayMs', '结果显示 Result shown (ms)')}
      <label>
        读卡器 Reader mode
        <select value={value('readerMode')} onChange={(e) => change({ readerMode: e.target.value as OperatorSettingsPatch['readerMode'] })}>
          {['auto', 'simulated', 'sam-simulator', 'serial', 'hid', 'usb', 'vendor'].map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
      </label>
      <label>
        串口 Serial port
        <input value={value('serialPath') ?? ''} onChange={(e) => change({ serialPath: e.target.value || null })} />
      </label>
      <label>
        摄像头 Camera device id
        <input value={value('cameraDeviceId') ?? ''} onChange={(e) => change({ cameraDeviceId: e.target.value || null })} />
      </label>
      <label>
        语言 Language
        <select value={value('language')} onChange={(e) => change({ language: e.target.value as 'zh-CN' | 'en' })}>
          <option value="zh-CN">中文</option>
          <option value="en">English</option>
        </select>
      </label>
      <label>
        语音提示 Voice
        <input type="checkbox" checked={value('voice')} onChange={(e) => change({ voice: e.target.checked })} />
      </label>
      <label>
        保存照片（加密）Keep images (encrypted)
        <input type="checkbox" checked={value('storeImages')} onChange={(e) => change({ storeImages: e.target.checked })} />
      </label>
      {num('retentionDays', '保存天数 Retention (days)')}
      <div className="row">
        <button className="primary" type="submit" data-testid="settings-save">保存 Save</button>
        {message && <span data-testid="settings-message">{message}</span>}
      </div>
    </form>
  );
}

function DiagnosticsPanel({ client }: { client: OperatorClient }) {
  const [diag, setDiag] = useState<Diagnostics | null>(null);
  const [test, setTest] = useState<string | null>(null);
  const refresh = useCallback(() => void client.invoke('operator.diagnostics', {}).then(setDiag), [client]);
  useEffect(refresh, [refresh]);
  if (!diag) return <p>…</p>;
  return (
    <section data-testid="diagnostics">
      <table>
        <tbody>
          <tr><th>版本 Version</th><td>{diag.appVersion} ({diag.shell})</td></tr>
          <tr><th>读卡器 Reader</th><td className={diag.reader.state === 'error' || diag.reader.state === 'sam-fault' ? 'bad' : 'ok'}>{diag.reader.state} · {diag.reader.transport ?? '—'} · {diag.reader.description}</td></tr>
          <tr><th>人脸检测 Face (camera page)</th><td>{diag.faceBackends.renderer ?? '尚未报告 not reported yet'}</td></tr>
          <tr><th>本机引擎 Local engine</th><td>{diag.faceBackends.local.join(', ') || '—'}</td></tr>
          <tr><th>核验服务 Provider</th><td className={diag.provider.ready ? 'ok' : 'bad'}>{diag.provider.name}: {diag.provider.detail}</td></tr>
          <tr><th>审计 Audit</th><td>{diag.audit.enabled ? `${diag.audit.records} records, ${diag.audit.outboxPending} waiting for the central service` : 'off'}</td></tr>
          {diag.restartNeeded && <tr><th /><td className="bad">需要重启 Restart needed for saved reader settings</td></tr>}
        </tbody>
      </table>
      <div className="row">
        <button className="secondary" onClick={refresh}>刷新 Refresh</button>
        <button className="primary" data-testid="provider-test" onClick={() => void client.invoke('operator.provider.test', {}).then((r) => setTest(`${r.ok ? 'OK' : 'FAILED'} · ${r.detail} · ${r.ms} ms`))}>
          测试连接 Test provider
        </button>
        {test && <span data-testid="provider-test-result">{test}</span>}
      </div>
      <h3>最近错误 Recent errors</h3>
      <table>
        <tbody>
          {diag.recentErrors.map((e, i) => <tr key={i}><td className="muted">{e.at}</td><td>{e.level}</td><td>{e.message}</td></tr>)}
        </tbody>
      </table>
    </section>
  );
}

function AuditPanel({ client }: { client: OperatorClient }) {
  const [filter, setFilter] = useState<AuditFilter>({ limit: 200 });
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [total, setTotal] = useState(0);
  const [idNumber, setIdNumber] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const search = useCallback(() => void client.invoke('operator.audit.search', filter).then((r) => {
    setEntries(r.entries);
    setTotal(r.total);
  }, (e: Error) => setMessage(e.message)), [client, filter]);
  useEffect(search, [search]);
  const exportCsv = async () => {
    const { csv } = await client.invoke('operator.audit.csv', filter);
    const url = URL.createObjectURL(new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `renzheng-audit-${new Date().toISOString().slice(0, 10)}.csv`;
    link.click();
    URL.revokeObjectURL(url);
  };
  const deleteSubject = async () => {
    if (!idNumber) return;
    const { deleted } = await client.invoke('operator.audit.deleteSubject', { idNumber });
    setIdNumber('');
    setMessage(`已删除 ${deleted} 条记录 · Deleted ${deleted} records`);
    search();
  };
  return (
    <section data-testid="audit">
      <div className="row">
        <label style={{ display: 'flex' }}>从 From <input type="date" onChange={(e) => setFilter({ ...filter, from: e.target.value || undefined })} /></label>
        <label style={{ display: 'flex' }}>到 To <input type="date" onChange={(e) => setFilter({ ...filter, to: e.target.value || undefined })} /></label>
        <select data-testid="audit-verdict" onChange={(e) => setFilter({ ...filter, verdict: (e.target.value || undefined) as AuditFilter['verdict'] })}>
          <option value="">全部 All</option>
          <option value="pass">通过 pass</option>
          <option value="fail">未通过 fail</option>
          <option value="error">错误 error</option>
          <option value="manual-check">人工核验 manual check</option>
        </select>
        <button className="secondary" onClick={() => void exportCsv()} data-testid="audit-csv">导出 CSV</button>
        <span className="muted">{entries.length} / {total}</span>
      </div>
      <table data-testid="audit-table">
        <thead>
          <tr><th>时间 Time</th><th>证件 Card</th><th>核验 Provider</th><th>结果 Verdict</th><th>相似度 Score / threshold</th><th>活体 Liveness</th><th>次数 Attempt</th></tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.verificationId}>
              <td>{e.startedAt.replace('T', ' ').slice(0, 19)}</td>
              <td className="mono">{e.idNumberMasked} ({e.cardType})</td>
              <td>{e.provider}</td>
              <td className={e.verdict === 'pass' ? 'ok' : 'bad'}>{e.verdict}{e.reason ? ` · ${e.reason}` : ''}</td>
              <td>{e.score === null ? '—' : `${e.score.toFixed(1)} / ${e.threshold?.toFixed(1) ?? '—'}`}</td>
              <td>{e.livenessPassed ? '✓' : '✗'} {e.livenessChallenge ?? ''}</td>
              <td>{e.attempt ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>删除某人的全部记录（个人信息删除请求）· Delete all records of one ID number</h3>
      <div className="row">
        <input placeholder="身份证号码 ID number" value={idNumber} autoComplete="off" onChange={(e) => setIdNumber(e.target.value.trim())} />
        <button className="secondary" onClick={() => void deleteSubject()}>删除 Delete</button>
        <button className="secondary" onClick={() => void client.invoke('operator.audit.purge', {}).then((r) => { setMessage(`Purged ${r.deleted}`); search(); })}>按保存期限清理 Purge by retention</button>
        {message && <span>{message}</span>}
      </div>
    </section>
  );
}
