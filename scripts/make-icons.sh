#!/usr/bin/env bash
# Renders icons/icon.svg into the PNG sizes Tauri and the bundles use, and icon.ico for Windows.
# Needs rsvg-convert (Debian: librsvg2-bin) and ImageMagick's convert (Debian: imagemagick).
# PNGs are 8-bit RGBA: Tauri refuses icons without an alpha channel.
#
#   scripts/make-icons.sh        # then look at icons/*.png and commit them
set -euo pipefail
cd "$(dirname "$0")/../icons"

for tool in rsvg-convert /usr/bin/convert; do
  if ! command -v "$tool" >/dev/null; then
    echo "$0: $tool is missing (apt-get install librsvg2-bin imagemagick)" >&2
    exit 2
  fi
done

render() { # size file
  rsvg-convert --width "$1" --height "$1" --keep-aspect-ratio icon.svg -o "$2.tmp.png"
  # PNG32: forces RGBA, whatever colours the picture happens to use.
  /usr/bin/convert "$2.tmp.png" -strip "PNG32:$2"
  rm -f "$2.tmp.png"
}

render 32 32x32.png
render 128 128x128.png
render 256 128x128@2x.png
render 512 icon.png

# Windows: one .ico holding the sizes Explorer and the taskbar ask for.
ico_parts=()
for size in 16 24 32 48 64 256; do
  render "$size" "ico-$size.png"
  ico_parts+=("ico-$size.png")
done
/usr/bin/convert "${ico_parts[@]}" icon.ico
rm -f "${ico_parts[@]}"

ls -l ./*.png icon.ico
