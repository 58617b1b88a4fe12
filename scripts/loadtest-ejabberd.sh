# ejabberd (Debian package 23.01) for scripts/loadtest.sh, which sources this file: a private ejabberd run as a
# child process with a configuration, Mnesia spool and logs of its own under $LT_DIR/ejabberd, never the system
# service. Loopback only: c2s on 127.0.0.1:$E_PORT with STARTTLS required and a self-signed certificate; the Erlang
# node's distribution on 127.0.0.1:$E_DIST with a cookie of its own, so no epmd is started or used (as the
# integration tests' EjabberdPeer does). Debian's ejabberdctl refuses every user but root and ejabberd, and as root
# runs the server as ejabberd (su): the directory is handed to that account.
#
#   LT_EJABBERD_PORT / LT_EJABBERD_DIST_PORT   c2s and the Erlang distribution port       [16242 / 16244]
#   LT_MAM=1   start with mod_mam archiving every chat (default: always, Mnesia); off otherwise (as in issue 18's table)
# shellcheck shell=bash

E_PORT=${LT_EJABBERD_PORT:-16242}
E_DIST=${LT_EJABBERD_DIST_PORT:-16244}
readonly E_PORT E_DIST E_DIR=$LT_DIR/ejabberd
readonly E_NODE=chorus-loadtest@127.0.0.1   # fixed: Mnesia's tables belong to the node name, kept across restarts

ejabberd_pid() { [[ -f $E_DIR/run.pid ]] && tr -dc '0-9' <"$E_DIR/run.pid" || true; }

ejabberd_ctl() {
  ejabberdctl --config-dir "$E_DIR/etc" --ctl-config "$E_DIR/etc/ejabberdctl.cfg" --spool "$E_DIR/spool" \
    --logs "$E_DIR/logs" "$@"
}

ensure_ejabberd_installed() {
  command -v ejabberdctl >/dev/null || apt_install_for "scripts/loadtest.sh ejabberd" ejabberd
  command -v ejabberdctl >/dev/null || die "ejabberd is missing: install the Debian package ejabberd"
}

ejabberd_config() {
  mkdir -p "$E_DIR/etc" "$E_DIR/spool" "$E_DIR/logs"
  chmod 700 "$E_DIR/etc"
  if [[ ! -f $E_DIR/etc/server.pem ]]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=$DOMAIN" \
      -addext "subjectAltName=DNS:$DOMAIN" -keyout "$E_DIR/etc/server.key" -out "$E_DIR/etc/server.crt" 2>/dev/null
    cat "$E_DIR/etc/server.crt" "$E_DIR/etc/server.key" >"$E_DIR/etc/server.pem"
    rm -f "$E_DIR/etc/server.key"
  fi
  # A cookie of its own, kept for ejabberdctl's later calls (stop, status); it is not printed.
  [[ -f $E_DIR/etc/cookie ]] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$E_DIR/etc/cookie"
  # Erlang's resolver (ERL_INETRC, which ejabberdctl points at the configuration directory): /etc/hosts, then the system's.
  printf '{lookup, [file, native]}.\n' >"$E_DIR/etc/inetrc"
  cat >"$E_DIR/etc/ejabberdctl.cfg" <<EOF
# Written by scripts/loadtest.sh on every start.
ERLANG_NODE=$E_NODE
ERL_DIST_PORT=$E_DIST
INET_DIST_INTERFACE=127.0.0.1
ERL_MAX_PORTS=32000
ERL_PROCESSES=1000000
ERL_OPTIONS="-setcookie $(cat "$E_DIR/etc/cookie") -env ERL_CRASH_DUMP_BYTES 0"
EJABBERD_BYPASS_WARNINGS=true
EOF
  local mam=""
  if [[ ${LT_MAM:-0} == 1 ]]; then
    mam=$'  mod_mam:\n    default: always\n    db_type: mnesia'
  fi
  cat >"$E_DIR/etc/ejabberd.yml" <<EOF
# Written by scripts/loadtest.sh on every start: an ejabberd for load tests, on loopback only, Mnesia.
hosts: ["$DOMAIN"]
loglevel: warning
certfiles: ["$E_DIR/etc/server.pem"]
default_db: mnesia
auth_method: internal
# SCRAM-SHA-1 keys stored, not passwords (4096 PBKDF2 iterations, as Chorus's and Prosody's here).
auth_password_format: scram
# Raised so that a load test is not throttled (each one says what it replaces):
# - registration_timeout: infinity   in-band registrations from one address (default: one per 600 s)
# - listener shaper: none, c2s_shaper: none   no read-rate shaper on client streams (the default config's is 1000 B/s)
# - max_fsm_queue: 100000   stanzas queued for one session before it is closed (default 10000)
# - ERL_PROCESSES 1000000 (default 262144) in ejabberdctl.cfg; ERL_MAX_PORTS 32000 is above the fd limit (20000)
# - max_user_offline_messages 10000 (default config: 100)
# - backlog: 1024   connections waiting for accept (default 5: a login storm's SYNs were dropped)
registration_timeout: infinity
listen:
  - port: $E_PORT
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls_required: true
    shaper: none
    max_stanza_size: 262144
    max_fsm_queue: 100000
    backlog: 1024
    access: c2s
acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  c2s:
    allow: all
  register:
    allow: all
shaper_rules:
  c2s_shaper: none
  max_user_sessions: 10
  max_user_offline_messages: 10000
modules:
  mod_roster: {}
  mod_disco: {}
  mod_ping: {}
  mod_offline:
    access_max_user_messages: max_user_offline_messages
  mod_register:
    access: register
    ip_access: all
    password_strength: 0
  mod_caps: {}
  mod_muc:
    host: "conference.$DOMAIN"
    access_create: all
$mam
EOF
  if [[ $(id -u) == 0 ]]; then chown -R ejabberd:ejabberd "$E_DIR"; fi
}

# The Erlang VM (beam.smp) under our ejabberdctl (and su): the process whose CPU and RSS are the server's.
ejabberd_beam_pid() {
  local queue=("$1") p kids
  while ((${#queue[@]})); do
    p=${queue[0]}
    queue=("${queue[@]:1}")
    [[ $(cat "/proc/$p/comm" 2>/dev/null) == beam.smp ]] && { echo "$p"; return 0; }
    kids=$(cat /proc/"$p"/task/*/children 2>/dev/null || true)
    # shellcheck disable=SC2206
    queue+=($kids)
  done
  return 1
}

ejabberd_start() {
  local pid
  pid=$(ejabberd_pid)
  if pid_alive "$pid"; then say "ejabberd already running (pid $pid)"; return 0; fi
  ensure_ejabberd_installed
  port_open "$E_PORT" && die "something already listens on 127.0.0.1:$E_PORT"
  ejabberd_config
  raise_fd_limit
  # As root, ejabberdctl would su to ejabberd, and su's pam_limits drops the open-files limit to 1024 sessions' worth:
  # setpriv changes the user without PAM, so the server keeps this shell's limit (20000).
  local as_ejabberd=()
  [[ $(id -u) == 0 ]] && as_ejabberd=(setpriv --reuid=ejabberd --regid=ejabberd --init-groups env "HOME=$E_DIR")
  setsid "${as_ejabberd[@]}" ejabberdctl --config-dir "$E_DIR/etc" --ctl-config "$E_DIR/etc/ejabberdctl.cfg" --spool "$E_DIR/spool" \
    --logs "$E_DIR/logs" foreground >"$LT_DIR/ejabberd.console.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$E_DIR/run.pid"
  await_port ejabberd "$pid" "$E_PORT" 90 "$LT_DIR/ejabberd.console.log" "$E_DIR/logs/ejabberd.log"
  say "ejabberd running (pid $pid, beam $(ejabberd_beam_pid "$pid"), c2s 127.0.0.1:$E_PORT, data $E_DIR)"
}

ejabberd_stop() {
  local pid i
  pid=$(ejabberd_pid)
  if ! pid_alive "$pid"; then say "ejabberd not running"; rm -f "$E_DIR/run.pid"; return 0; fi
  ejabberd_ctl stop >/dev/null 2>&1 || true
  for ((i = 0; i < 600; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  if pid_alive "$pid"; then
    say "ejabberd (pid $pid) still running after 60 s; sending SIGKILL to it and its VM"
    kill -KILL "$(ejabberd_beam_pid "$pid")" "$pid" 2>/dev/null || true
  fi
  rm -f "$E_DIR/run.pid"
  say "ejabberd stopped"
}

ejabberd_pids() {
  local pid beam
  pid=$(ejabberd_pid)
  pid_alive "$pid" || die "ejabberd is not running"
  beam=$(ejabberd_beam_pid "$pid") || die "ejabberd's Erlang VM not found under pid $pid"
  echo "ejabberd=$beam"
}
