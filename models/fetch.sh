#!/usr/bin/env bash
# Puts the pinned Smithy models that manifest.toml names into models/aws/ and checks them
# against SHA256SUMS.
#
#   models/fetch.sh                 # download from aws/api-models-aws at the pinned commit
#   models/fetch.sh ../shared/models  # copy from a local folder with the same layout
#
# The models are inputs of the generator only; generated/ is committed, so building does
# not need them.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dest="$here/aws"
commit=56c8953e87aeead95ae5e66a3ca6a355731db6ad
upstream="https://raw.githubusercontent.com/aws/api-models-aws/$commit"
source_dir=${1:-}
sums="$here/SHA256SUMS"

mkdir -p "$dest"
cp "$sums" "$dest/SHA256SUMS"

# Every model file the pin list names, so that extra services can be added to the
# manifest without touching this script.
while read -r _ path; do
    path=${path#./}
    mkdir -p "$dest/$(dirname "$path")"
    if [ -n "$source_dir" ]; then
        cp "$source_dir/$path" "$dest/$path"
    elif [ ! -f "$dest/$path" ]; then
        echo "fetching $path"
        curl -fsSL --retry 3 "$upstream/$path" -o "$dest/$path"
    fi
done < "$sums"

cd "$dest" && sha256sum --quiet -c SHA256SUMS && echo "models verified in $dest"
