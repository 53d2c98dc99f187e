#!/bin/sh
# Lets the kiosk user open serial/HID/USB readers without root: the udev rules grant the
# "renzheng" group access, so the group must exist before the rules are loaded. The systemd unit
# is installed but not enabled: which user runs the kiosk is the installer's decision.
set -e
RES=/opt/Renzheng/resources
getent group renzheng >/dev/null 2>&1 || groupadd --system renzheng || true
if [ -f "$RES/udev/99-renzheng-idcard.rules" ]; then
  install -m 0644 "$RES/udev/99-renzheng-idcard.rules" /etc/udev/rules.d/99-renzheng-idcard.rules
  udevadm control --reload-rules 2>/dev/null || true
  udevadm trigger 2>/dev/null || true
fi
if [ -f "$RES/systemd/renzheng-kiosk.service" ] && [ -d /etc/systemd/system ]; then
  install -m 0644 "$RES/systemd/renzheng-kiosk.service" /etc/systemd/system/renzheng-kiosk.service
  systemctl daemon-reload 2>/dev/null || true
fi
