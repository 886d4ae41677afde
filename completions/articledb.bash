# bash completion for articledb (installed as
# ${datadir}/bash-completion/completions/articledb). Lists the commands and options of
# src/cli/commands/; tests/completions_test.py checks it against `articledb CMD --help`.

_articledb() {
  local cur prev cmd i
  COMPREPLY=()
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}

  local commands="import export get delete query search tail count facets sources entities dump restore
    verify-dump stats verify quarantine reindex upgrade compact salvage checkpoint generate"
  local filters="--from --to --source --entity --any-entity --not-entity --language --topic
    --author"
  local text="--text"
  local common="-h --help -q --quiet"

  # The first word that is not an option names the command.
  cmd=
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -*) ;;
      *) cmd=${COMP_WORDS[i]}; break ;;
    esac
  done

  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$common --version" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    fi
    return 0
  fi

  # Values of options.
  case $prev in
    --format)
      if [[ $cmd == import ]]; then
        COMPREPLY=($(compgen -W "auto jsonl json newsapi news-please rss csv" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "jsonl json ids csv table" -- "$cur"))
      fi
      return 0 ;;
    --by)
      if [[ $cmd == facets ]]; then
        COMPREPLY=($(compgen -W "entity source topic language author" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "day week month year" -- "$cur"))
      fi
      return 0 ;;
    --tz|--assume-tz)
      # IANA zone names, from the system's time zone database.
      COMPREPLY=($(cd /usr/share/zoneinfo 2>/dev/null && compgen -f -- "$cur"))
      return 0 ;;
    --rejects) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
    --from|--to|--source|--entity|--any-entity|--not-entity|--language|--topic|--author|\
    --batch|--max-record-bytes|--limit|--cursor|--prefix|\
    --level|--drop|--seed|--lines|-n|--interval|--text|--map)
      return 0 ;;
    --order) COMPREPLY=($(compgen -W "newest oldest relevance" -- "$cur")); return 0 ;;
  esac

  local opts
  case $cmd in
    import) opts="--format --map --keep-unknown --refuse-unknown --assume-tz --rejects --strict --sync --bulk --batch --max-record-bytes --text-index" ;;
    export) opts="$filters $text --oldest-first" ;;
    query) opts="$filters $text --oldest-first --limit --cursor --all --format --fields --summary" ;;
    search) opts="$filters --order --limit --cursor --all --format --fields" ;;
    tail) opts="$filters $text -n --lines -f --follow --interval --ids" ;;
    count) opts="$filters $text --by --tz --zero-fill" ;;
    facets) opts="$filters $text --by --limit" ;;
    entities|sources) opts="--prefix --limit" ;;
    dump) opts="--level" ;;
    restore) opts="--merge --max-record-bytes" ;;
    quarantine) opts="--drop" ;;
    generate) opts="--seed" ;;
    stats) opts="--format" ;;
    delete) opts="$filters $text --dry-run" ;;
    reindex) opts="--text-index --no-text-index" ;;
    get|verify-dump|verify|upgrade|compact|salvage|checkpoint) opts= ;;
    *) return 0 ;;
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts $common" -- "$cur"))
  elif [[ $cmd != generate ]]; then
    # Archive directories, input and dump files.
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
  return 0
}
complete -o filenames -F _articledb articledb
