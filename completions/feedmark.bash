# bash completion for feedmark(1)
# Installed as share/bash-completion/completions/feedmark.

_feedmark() {
  local cur prev words cword
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  local commands="fetch parse extract discover index"
  local common="-h --help -q --quiet -v --verbose"
  local network="--timeout --max-size --retries --user-agent --cacert --cookies"

  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi

  case $prev in
    --progress) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "seed hugo obsidian" -- "$cur")); return ;;
    --full-text) COMPREPLY=($(compgen -W "never auto always" -- "$cur")); return ;;
    -a|--archive) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --feeds|--template|--cacert|--cookies) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -j|--jobs|--timeout|--max-size|--retries|--max-image-size|--user-agent|\
    --feed-url|--base|--tz|--image-proxy|--shard) return ;;
  esac

  local options
  case ${COMP_WORDS[1]} in
    fetch) options="$common $network --feeds -a --archive -j --jobs --feed-url
      --tz --image-proxy --save-images --max-image-size
      --allow-private-networks --full-text --format --template --shard
      --dry-run --json -0 --null --wait --progress" ;;
    parse) options="$common $network --feed-url --base --tz" ;;
    extract|discover) options="$common $network --base" ;;
    index) options="$common -a --archive --wait --format" ;;
    *) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _feedmark feedmark
