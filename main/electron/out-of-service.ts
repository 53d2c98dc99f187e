/**
 * The page shown when the kiosk page keeps crashing: static, no script, both languages, served by
 * the app:// handler from main so it does not depend on the renderer build that is failing.
 */
export const OUT_OF_SERVICE_PATH = '/out-of-service.html';

export const OUT_OF_SERVICE_HTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>暂停服务 / Out of service</title>
<style>body{margin:0;height:100vh;display:flex;flex-direction:column;align-items:center;justify-content:center;
background:#0b1220;color:#e6edf7;font-family:sans-serif;text-align:center}h1{font-size:48px;margin:0 0 16px}p{font-size:22px;margin:4px}</style>
</head><body><h1>暂停服务</h1><p>本机出现故障，请联系工作人员。</p><h1 lang="en">Out of service</h1>
<p lang="en">This kiosk has a fault: please call staff.</p></body></html>
`;
