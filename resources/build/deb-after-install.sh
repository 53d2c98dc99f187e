#!/bin/sh
# Installs the reader udev rules so the kiosk user can open serial/HID/USB readers without root.
set -e
RULES=/opt/Renzheng/resources/udev/99-renzheng-idcard.rules
if [ -f "$RULES" ]; then
  install -m 0644 "$RULES" /etc/udev/rules.d/99-renzheng-idcard.rules
  udevadm control --reload-rules 2>/dev/null || true
  udevadm trigger 2>/dev/null || true
fi
