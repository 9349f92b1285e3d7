# Shared helpers for scripts/*: sourced, not run.

# Runs a command as root: directly when we are root, else through sudo (never waiting
# for a password: a clear error instead).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@" || {
      echo "error: '$*' needs root: run as root, or allow sudo without a password" >&2
      return 1
    }
  else
    echo "error: '$*' needs root, and sudo is not installed: run as root" >&2
    return 1
  fi
}

# Clears the proxy variables: what runs next talks to loopback only (package installs
# and builds before it may need the proxy to reach the registries).
drop_proxy_env() {
  unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy NO_PROXY no_proxy
}

apt_updated=""
# Installs Debian packages that are missing (by package name).
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo ">> apt-get install ${missing[*]}" >&2
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq >&2
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Waits until 127.0.0.1:$1 accepts TCP connections, for at most $2 seconds.
wait_for_port() {
  local port=$1 seconds=$2 i
  for ((i = 0; i < seconds * 10; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

# Is the process whose pid is in file $1 alive?
pid_alive() {
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# Writes a fresh CA (ca.pem) and a server certificate for localhost, 127.0.0.1 and ::1
# (server.key, server-chain.pem) into folder $1.
make_test_certificates() {
  local tls=$1
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=xhttp test CA" -keyout "$tls/ca.key" -out "$tls/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
    "basicConstraints=critical,CA:FALSE" "extendedKeyUsage=serverAuth" >"$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 30 -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
  cat "$tls/server.pem" "$tls/ca.pem" >"$tls/server-chain.pem"
}
