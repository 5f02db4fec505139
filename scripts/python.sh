#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 interpreter, or fails with a clear message.
# A fresh machine has python3.12/python3.13 on PATH, sometimes only through pyenv shims
# that refuse to run unless that version is selected, so each candidate is tried for real.
set -u
for cand in python3.12 python3.13 python3; do
  for env in "" "PYENV_VERSION=$(pyenv versions --bare 2>/dev/null | grep -E "^${cand#python}(\.|$)" | tail -n1)"; do
    exe=$(env $env "$cand" -c 'import sys; print(sys.executable) if sys.version_info >= (3, 12) else sys.exit(1)' 2>/dev/null) && { echo "$exe"; exit 0; }
  done
done
for exe in /root/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/bin/python3.1[2-9] /usr/local/bin/python3.1[2-9]; do
  [ -x "$exe" ] && "$exe" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$exe"; exit 0; }
done
echo "cxsim needs Python >= 3.12; none found (tried python3.12, python3.13, python3)" >&2
exit 1
