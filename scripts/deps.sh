# Sourced by scripts/demo, scripts/test and scripts/bench: makes sure the Debian packages
# ArticleDB builds with are installed. As root it runs apt-get; otherwise it prints the one
# apt-get line to run and stops.
articledb_packages=(
  build-essential cmake ninja-build pkg-config python3 zstd
  librocksdb-dev libprotobuf-dev protobuf-compiler libzstd-dev libutf8proc-dev
  libcli11-dev libxxhash-dev libsimdjson-dev libexpat1-dev libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev
  libcctz-dev tzdata libicu-dev libstemmer-dev libxapian-dev
  python3-dev pybind11-dev python3-pytest python3-pandas python3-protobuf python3-matplotlib python3-venv python3-pip python3-setuptools python3-wheel
)
# Extra packages for the reliability work: clang with its sanitizer runtimes for libFuzzer.
articledb_fuzz_packages=(clang libclang-rt-14-dev)

# articledb_install_deps [EXTRA_PACKAGE...]
articledb_install_deps() {
  local want=("${articledb_packages[@]}" "$@") missing=() p
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    echo "Installing: ${missing[*]}" >&2
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages. Run this once, then run this script again:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    exit 2
  fi
}
