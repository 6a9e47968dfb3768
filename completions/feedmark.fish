# fish completion for feedmark(1)
# Installed as share/fish/vendor_completions.d/feedmark.fish.

set -l commands fetch parse extract discover index
complete -c feedmark -f
complete -c feedmark -n "not __fish_seen_subcommand_from $commands" -a fetch -d 'Archive every source as Markdown'
complete -c feedmark -n "not __fish_seen_subcommand_from $commands" -a parse -d 'Print parsed feeds as JSON Lines'
complete -c feedmark -n "not __fish_seen_subcommand_from $commands" -a extract -d 'Print the article of one web page'
complete -c feedmark -n "not __fish_seen_subcommand_from $commands" -a discover -d 'Print the feeds a web page links'
complete -c feedmark -n "not __fish_seen_subcommand_from $commands" -a index -d 'Rebuild every index'
complete -c feedmark -l version -d 'Print the version'

complete -c feedmark -s q -l quiet -d 'Only errors on stderr'
complete -c feedmark -s v -l verbose -d 'A report line per feed'
for c in fetch parse extract discover
  complete -c feedmark -n "__fish_seen_subcommand_from $c" -l timeout -x -d 'Limit per attempt (s)'
  complete -c feedmark -n "__fish_seen_subcommand_from $c" -l max-size -x -d 'Largest response (bytes)'
  complete -c feedmark -n "__fish_seen_subcommand_from $c" -l retries -x -d 'Retries'
  complete -c feedmark -n "__fish_seen_subcommand_from $c" -l user-agent -x -d 'User-Agent header'
  complete -c feedmark -n "__fish_seen_subcommand_from $c" -l cacert -r -F -d 'Trust these CAs too'
  complete -c feedmark -n "__fish_seen_subcommand_from $c" -l cookies -r -F -d 'Netscape cookie file'
  complete -c feedmark -n "__fish_seen_subcommand_from $c" -F
end
set -l f "__fish_seen_subcommand_from fetch"
complete -c feedmark -n $f -l feeds -r -F -d 'A feed list'
complete -c feedmark -n $f -s a -l archive -r -a '(__fish_complete_directories)' -d 'Archive root'
complete -c feedmark -n $f -s j -l jobs -x -d 'Feeds at once'
complete -c feedmark -n $f -l feed-url -x -d 'Identity of a file or stdin'
complete -c feedmark -n $f -l tz -x -d 'Zone for dates without one'
complete -c feedmark -n $f -l image-proxy -x -d 'Rewrite image URLs'
complete -c feedmark -n $f -l save-images -d 'Keep every image'
complete -c feedmark -n $f -l max-image-size -x -d 'Largest image saved'
complete -c feedmark -n $f -l allow-private-networks -d 'Allow private addresses'
complete -c feedmark -n $f -l full-text -x -a 'never auto always' -d 'Archive article pages'
complete -c feedmark -n $f -l format -x -a 'seed hugo obsidian' -d 'Article layout'
complete -c feedmark -n $f -l template -r -F -d 'Mustache template'
complete -c feedmark -n $f -l shard -x -d 'Shard K/N'
complete -c feedmark -n $f -l dry-run -d 'Write nothing'
complete -c feedmark -n $f -l json -d 'JSON per article'
complete -c feedmark -n $f -s 0 -l null -d 'NUL after paths'
complete -c feedmark -n $f -l wait -d 'Wait for the lock'
complete -c feedmark -n $f -l progress -x -a 'auto always never' -d 'Progress bar'
complete -c feedmark -n "__fish_seen_subcommand_from parse" -l feed-url -l base -x -d 'Base URL'
complete -c feedmark -n "__fish_seen_subcommand_from parse" -l tz -x -d 'Zone for dates without one'
complete -c feedmark -n "__fish_seen_subcommand_from extract discover" -l base -x -d 'The page URL'
complete -c feedmark -n "__fish_seen_subcommand_from index" -s a -l archive -r -a '(__fish_complete_directories)' -d 'Archive root'
complete -c feedmark -n "__fish_seen_subcommand_from index" -l wait -d 'Wait for the lock'
complete -c feedmark -n "__fish_seen_subcommand_from index" -l format -x -a 'seed hugo obsidian' -d 'Layout'
