#!/usr/bin/env bash
# A throwaway Postfix for the newsletter tests: its own config, queue and mailboxes under one directory,
# listening on loopback only. Mail for the test domain (byline.test) is delivered to one Maildir,
# DIR/mail/byline.test/ (a regexp mailbox map may not substitute the user into the path; each message
# names its recipient in Delivered-To); a recipient whose local part starts with "unknown" is accepted and then
# bounced by the virtual delivery agent, so the sender's bounce address receives a real DSN.
#
#   scripts/postfix-test.sh start DIR   installs postfix if missing (as root), starts it, prints the
#                                       environment to export (BYLINE_TEST_SMTP, BYLINE_TEST_SMTP_STRICT,
#                                       BYLINE_TEST_MAILDIR)
#   scripts/postfix-test.sh stop DIR    stops it and removes DIR
#
# Two listeners: the main one takes everything; the "strict" one answers 450 after three messages per
# client within five seconds (anvil's rate limit), which the tests use as a server refusing mid-send.
set -euo pipefail

verb=${1:-}
DIR=${2:-}
if [ -z "$verb" ] || [ -z "$DIR" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p=$1
  while ! port_free "$p"; do p=$((p + 1)); done
  echo "$p"
}

case "$verb" in
  stop)
    if [ -f "$DIR/etc/main.cf" ]; then
      postfix -c "$DIR/etc" stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
    ;;
  start)
    if ! command -v postfix >/dev/null 2>&1 && ! [ -x /usr/sbin/postfix ]; then
      if [ "$(id -u)" -ne 0 ]; then
        echo "postfix is not installed and this is not root: apt-get install postfix" >&2
        exit 1
      fi
      # "No configuration": the package installs its programs and leaves the system's mail alone.
      echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
      echo "postfix postfix/mailname string byline.test" | debconf-set-selections
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postfix >/dev/null 2>&1 ||
        { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postfix >/dev/null; }
    fi
    export PATH=$PATH:/usr/sbin
    PORT=$(free_port "${BYLINE_POSTFIX_PORT:-2525}")
    STRICT=$(free_port $((PORT + 1)))
    mkdir -p "$DIR/etc" "$DIR/queue" "$DIR/data" "$DIR/mail"
    # Postfix's own users must reach the folders inside (mktemp -d makes the top one 0700).
    chmod 0755 "$DIR"
    # Mailboxes are written as nobody; the tests (root or the same user) read them.
    chown nobody:nogroup "$DIR/mail" 2>/dev/null || true
    chmod 0777 "$DIR/mail"
    chown postfix:postfix "$DIR/data" 2>/dev/null || true
    cat >"$DIR/etc/virtual-mailboxes" <<'EOF'
if !/^unknown/
/@byline\.test$/ byline.test/
endif
EOF
    cat >"$DIR/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $DIR/queue
data_directory = $DIR/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.byline.test
mydomain = byline.test
myorigin = byline.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relay_domains =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
# Unknown recipients are accepted and bounced afterwards, as a real mailbox provider often does.
smtpd_reject_unlisted_recipient = no
virtual_mailbox_domains = byline.test
virtual_mailbox_base = $DIR/mail
virtual_mailbox_maps = regexp:$DIR/etc/virtual-mailboxes
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_minimum_uid = 100
virtual_destination_concurrency_limit = 50
default_destination_concurrency_limit = 50
anvil_rate_time_unit = 5s
smtpd_client_message_rate_limit = 0
message_size_limit = 20480000
maillog_file = $DIR/postfix.log
maillog_file_prefixes = $DIR
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
smtputf8_enable = no
EOF
    sed -E -e 's/^(smtp +inet +[^ ]+ +[^ ]+ +)y/\1n/' \
           -e 's/^([a-z]+ +(unix|fifo|unix-dgram) +[^ ]+ +[^ ]+ +)y/\1n/' \
           -e "s/^smtp +inet /127.0.0.1:$PORT inet /" \
           -e '/^(tlsmgr|maildrop|uucp|ifmail|bsmtp|scalemail-backend|mailman) /d' \
           -e '/^  (flags|user)=/d' \
           /usr/share/postfix/master.cf.dist >"$DIR/etc/master.cf"
    cat >>"$DIR/etc/master.cf" <<EOF
127.0.0.1:$STRICT inet n - n - - smtpd -o smtpd_client_message_rate_limit=3 -o smtpd_client_event_limit_exceptions=
EOF
    postfix -c "$DIR/etc" set-permissions >/dev/null 2>&1 || true
    if ! postfix -c "$DIR/etc" start >"$DIR/start.log" 2>&1; then
      echo "postfix did not start:" >&2
      cat "$DIR/start.log" "$DIR/postfix.log" 2>/dev/null | tail -n 20 >&2
      exit 1
    fi
    for _ in $(seq 1 50); do
      port_free "$PORT" || break
      sleep 0.1
    done
    echo "export BYLINE_TEST_SMTP=127.0.0.1:$PORT"
    echo "export BYLINE_TEST_SMTP_STRICT=127.0.0.1:$STRICT"
    echo "export BYLINE_TEST_MAILDIR=$DIR/mail/byline.test"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
