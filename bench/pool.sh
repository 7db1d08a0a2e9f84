#!/usr/bin/env bash
# The audit playbook (ansible/playbooks/audit.yml) over the three test hosts of
# scripts/testenv-ansible.sh, against plain SSH loops over the same hosts:
#
#   loop "db show":    for h in ...; do ssh h travelerUtil db show --json; done   (the baseline)
#   loop "same facts": one ssh per host running what the audit's modules run there
#                      (db show, ssl show, ssl check, --version, db check)
#
# Runs are alternated; each side's median of N runs is printed, with the ratios. Target: the
# audit within 3x the "db show" loop. Ansible runs with the lab's ansible.cfg: pipelining on,
# SSH connections reused (ControlPersist); the loops use a fresh ssh each time, as a plain
# admin loop would.
#
# Needs the labs: `bash scripts/testenv.sh start` (MariaDB) and `bash scripts/testenv-ansible.sh
# install && bash scripts/testenv-ansible.sh start`. A measurement, not a test: exits 0 unless
# it cannot measure. Environment: N (runs per side, default 7).
set -euo pipefail

N="${N:-7}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
eval "$(bash scripts/testenv.sh env)"
bash scripts/testenv.sh status >/dev/null || { echo "pool.sh: start the database lab first: bash scripts/testenv.sh start" >&2; exit 1; }
bash scripts/testenv-ansible.sh status >/dev/null \
  || { echo "pool.sh: start the Ansible lab first: bash scripts/testenv-ansible.sh install && bash scripts/testenv-ansible.sh start" >&2; exit 1; }
eval "$(bash scripts/testenv-ansible.sh env)"

cargo build --release --locked --quiet
bash scripts/testenv-ansible.sh bin "$repo/target/release"
bash scripts/testenv-ansible.sh collection >/dev/null
bin="$TU_ANSIBLE_VAR/bin/travelerUtil"
odbc="ODBCSYSINI=$TU_ANSIBLE_VAR/odbc ODBCINI=$TU_ANSIBLE_VAR/odbc/odbc.ini"

# Every host holds the same MariaDB settings (the testenv's `app` account) and the same TLS
# stores (the committed keytool fixtures: a PKCS#12 keystore, a JKS truststore, password
# changeit1, copied where the users can read them), stored by hand on each, as an admin would.
# With stores set, the audit's info module also runs `ssl check` on every member.
stores="$TU_ANSIBLE_VAR/bench-stores"
install -d -m 755 "$stores"
install -m 644 fixtures/keystores/p12-jdk17.p12 fixtures/keystores/jks-trust.jks "$stores/"
for u in $TU_ANSIBLE_USERS; do
  printf 'app\n' | runuser -u "$u" -- env -i HOME="$TU_ANSIBLE_VAR/home/$u" ODBCSYSINI="$TU_ANSIBLE_VAR/odbc" \
    ODBCINI="$TU_ANSIBLE_VAR/odbc/odbc.ini" "$bin" --no-input -q db set \
    "url=jdbc:mysql://127.0.0.1:$TU_MARIA_PORT/TRAVELER" user=app pw=-
  printf 'changeit1\nchangeit1\n' | runuser -u "$u" -- env -i HOME="$TU_ANSIBLE_VAR/home/$u" "$bin" --no-input -q \
    ssl set "keystore=$stores/p12-jdk17.p12" keystorepw=- "truststore=$stores/jks-trust.jks" truststorepw=-
done

export ANSIBLE_CONFIG="$TU_ANSIBLE_CONFIG" ANSIBLE_HOME="$TU_ANSIBLE_LAB/home" ANSIBLE_NOCOLOR=1
export PATH="$TU_ANSIBLE_VENV/bin:$PATH"
ssh_opts=(-p "$TU_ANSIBLE_PORT" -i "$TU_ANSIBLE_CLIENT_KEY" -o UserKnownHostsFile="$TU_ANSIBLE_KNOWN_HOSTS"
          -o BatchMode=yes -o IdentitiesOnly=yes -o ControlMaster=no -o ControlPath=none)

audit() { ansible-playbook travelerutil.traveler.audit -i "$TU_ANSIBLE_INVENTORY" >/dev/null; }
loop_show() {
  local u
  for u in $TU_ANSIBLE_USERS; do ssh "${ssh_opts[@]}" "$u@127.0.0.1" "$bin" db show --json >/dev/null; done
}
loop_facts() {
  local u
  for u in $TU_ANSIBLE_USERS; do
    ssh "${ssh_opts[@]}" "$u@127.0.0.1" \
      "export $odbc; $bin db show --json; $bin ssl show --json; $bin ssl check --json; $bin --version; $bin db check --json" >/dev/null
  done
}

# Warm-up (and proof that each side works): the audit must pass on this consistent pool.
audit || { echo "pool.sh: the audit playbook failed on the lab pool" >&2; exit 1; }
loop_show
loop_facts

now() { date +%s%N; }
declare -a t_audit t_show t_facts
for ((i = 0; i < N; i++)); do
  a=$(now); audit; b=$(now); loop_show; c=$(now); loop_facts; d=$(now)
  t_audit+=($(((b - a) / 1000000))); t_show+=($(((c - b) / 1000000))); t_facts+=($(((d - c) / 1000000)))
done
bash scripts/testenv-ansible.sh disconnect

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
ma=$(median "${t_audit[@]}"); ms=$(median "${t_show[@]}"); mf=$(median "${t_facts[@]}")
printf 'runs per side:            %d (3 hosts)\n' "$N"
printf 'audit playbook:           median %6.0f ms   (%s)\n' "$ma" "${t_audit[*]}"
printf 'ssh loop, db show:        median %6.0f ms   (%s)\n' "$ms" "${t_show[*]}"
printf 'ssh loop, same facts:     median %6.0f ms   (%s)\n' "$mf" "${t_facts[*]}"
awk -v a="$ma" -v s="$ms" -v f="$mf" 'BEGIN {
  r = a / s
  printf "ratio audit / db-show loop:    %.2fx  (target <= 3x: %s)\n", r, (r <= 3 ? "PASS" : "FAIL")
  printf "ratio audit / same-facts loop: %.2fx\n", a / f
}'
