# bench/caching-lib.sh — pieces shared by the caching benchmarks (sourced after lib.sh).

# db_vars <sqlite file | postgres connection string> — extra env for start_site pointing at that database.
db_vars() {
  case "$1" in
    Host=*|host=*) echo "Byline__Database__Provider=Postgres"; echo "ConnectionStrings__Byline=$1" ;;
    *) echo "ConnectionStrings__Byline=Data Source=$1" ;;
  esac
}

db_label() { case "$1" in Host=*|host=*) echo postgres ;; *) echo sqlite ;; esac; }

# wrk_run <name> <url> <out file> [wrk args...] — one measurement; prints "req/s p50 p99" (ms).
wrk_run() {
  local name="$1" url="$2" out="$3"; shift 3
  wrk --latency "$@" "$url" >"$out" 2>&1 || true
  local rps p50 p99 errs
  rps="$(awk '/Requests\/sec/{print $2}' "$out")"
  p50="$(awk '$1=="50%"{print $2}' "$out")"
  p99="$(awk '$1=="99%"{print $2}' "$out")"
  errs="$(awk '/Non-2xx|Socket errors/{printf "%s ", $0}' "$out")"
  echo "$name|${rps:-0}|$(to_ms "$p50")|$(to_ms "$p99")|${errs:-none}"
}

to_ms() {  # wrk prints 812.00us / 1.23ms / 1.02s
  awk -v v="$1" 'BEGIN{ if (v ~ /us$/) { sub(/us$/,"",v); printf "%.2f", v/1000 }
    else if (v ~ /ms$/) { sub(/ms$/,"",v); printf "%.2f", v }
    else if (v ~ /s$/) { sub(/s$/,"",v); printf "%.2f", v*1000 } else print "?" }'
}

# rss_watch <pid> <file> — samples the process's resident set every 0.5 s into <file> (max kB on the last line).
rss_watch() {
  local pid="$1" file="$2"
  # Also keeps the largest anonymous (heap, SQLite's private page caches) and file-backed (mapped
  # files: the runtime's images, SQLite's mmap of the database) parts, in <file>.anon / <file>.file.
  ( max=0; amax=0; fmax=0; while kill -0 "$pid" 2>/dev/null; do
      read -r r a f < <(awk '/^VmRSS/{r=$2} /^RssAnon/{a=$2} /^RssFile/{f=$2} END{print r+0, a+0, f+0}' "/proc/$pid/status" 2>/dev/null || echo "0 0 0")
      [ "${r:-0}" -gt "$max" ] && max="$r"; [ "${a:-0}" -gt "$amax" ] && amax="$a"; [ "${f:-0}" -gt "$fmax" ] && fmax="$f"
      echo "$max" >"$file"; echo "$amax" >"$file.anon"; echo "$fmax" >"$file.file"; sleep 0.5; done ) &
  STARTED_PIDS+=("$!")
}

# static_nginx <dir> <port> <file to wait for> <types line> <server directives> — nginx serving <dir>
# as static files on 127.0.0.1:<port> with a private config under <dir>/../nginx (the reference of
# the benchmarks that compare Byline with "the same bytes from disk").
static_nginx() {
  local root="$1" port="$2" probe="$3" types="$4" directives="$5" ngx i
  ngx="$(dirname "$root")/nginx"; mkdir -p "$ngx/tmp"
  cat >"$ngx/nginx.conf" <<CONF
user root;
worker_processes auto;
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off; sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 1000000; server_tokens off;
  client_body_temp_path $ngx/tmp/body; proxy_temp_path $ngx/tmp/proxy; fastcgi_temp_path $ngx/tmp/fcgi;
  uwsgi_temp_path $ngx/tmp/uwsgi; scgi_temp_path $ngx/tmp/scgi;
  types { $types }
  server {
    listen 127.0.0.1:$port;
    root $root;
    $directives
    location / { }
  }
}
CONF
  nginx -c "$ngx/nginx.conf" -g 'daemon off;' &
  STARTED_PIDS+=("$!")
  for i in $(seq 1 20); do curl -s -o /dev/null "http://127.0.0.1:$port/$probe" && return 0; sleep 0.25; done
  die "nginx on :$port did not answer"
}
