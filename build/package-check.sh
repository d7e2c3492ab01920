#!/usr/bin/env bash
# Uses the packed library the way an application developer does: packs it into a local folder, creates a new console
# app in a temporary folder outside the repository (dotnet new console), adds Microsoft.ML 6.0.0, the package and
# TorchSharp-cpu from that folder plus the machine's own package sources, builds it with warnings as errors, trains a
# tiny classifier and a tiny generator and saves both (first process), then loads and scores them in a second process
# and checks that both processes printed the same predictions. Prints the package's dependencies. Exit 0 on success.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
project="$repo/src/Microsoft.ML.Transformer/Microsoft.ML.Transformer.csproj"
say() { printf 'package-check: %s\n' "$*"; }
die() { printf 'package-check: FAILED: %s\n' "$*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/transformer-package-check.XXXXXX")
case "$work" in "$repo"/*) die "the temporary folder $work is inside the repository" ;; esac
# A version of its own, so that NuGet's global package cache never serves an earlier build of the same version.
version="$(dotnet msbuild "$project" -getProperty:Version)-check.$(date -u +%Y%m%d%H%M%S)"
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.ml.transformer/$version"
trap 'rm -rf "$work" "$cache"' EXIT
feed="$work/feed" app="$work/app"

say "packing $version into $feed"
dotnet pack "$project" -c Release -o "$feed" -p:Version="$version" -nologo -v q >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; die "dotnet pack"; }
nupkg="$feed/Microsoft.ML.Transformer.$version.nupkg"
[ -f "$nupkg" ] || die "no $nupkg"
[ -f "$feed/Microsoft.ML.Transformer.$version.snupkg" ] || die "no symbols package (.snupkg)"
# The listing is read whole first: `unzip -l | grep -q` under pipefail fails when grep stops early and unzip gets SIGPIPE.
symbols=$(unzip -l "$feed/Microsoft.ML.Transformer.$version.snupkg")
grep -q 'lib/net10.0/Microsoft.ML.Transformer.pdb' <<<"$symbols" || die "the symbols package has no .pdb"
files=$(unzip -l "$nupkg")
for f in README.md lib/net10.0/Microsoft.ML.Transformer.dll lib/net10.0/Microsoft.ML.Transformer.xml; do
  grep -q " $f\$" <<<"$files" || die "the package lacks $f"
done
nuspec=$(unzip -p "$nupkg" Microsoft.ML.Transformer.nuspec)
grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || die "no MIT licence expression in the .nuspec"
grep -q '<readme>README.md</readme>' <<<"$nuspec" || die "no readme in the .nuspec"
grep -q '<repository type="git"' <<<"$nuspec" || die "no repository in the .nuspec"
grep -q '<tags>' <<<"$nuspec" || die "no tags in the .nuspec"
grep -q 'id="Microsoft.ML" version="\[6.0.0, 6.1.0)"' <<<"$nuspec" || die "the Microsoft.ML dependency is not [6.0.0, 6.1.0)"
say "dependencies of the package:"
grep -o '<dependency [^>]*>' <<<"$nuspec" | sed 's/^/  /'

mkdir -p "$app"
cd "$app"
dotnet new console --framework net10.0 --name PackageCheckApp --output . >/dev/null || die "dotnet new console"
# Warnings are errors (NU1608, a dependency outside a package's range, included), as in many applications.
sed -i 's|<OutputType>Exe</OutputType>|<OutputType>Exe</OutputType>\n    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>|' PackageCheckApp.csproj
# The local folder as one more source; the machine's own sources come from its NuGet configuration.
printf '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSources />\n</configuration>\n' >nuget.config
dotnet nuget add source "$feed" --name local --configfile nuget.config >/dev/null || die "dotnet nuget add source"
dotnet add package Microsoft.ML --version 6.0.0 >"$work/add.log" 2>&1 || { cat "$work/add.log"; die "dotnet add package Microsoft.ML"; }
dotnet add package Microsoft.ML.Transformer --version "$version" >"$work/add.log" 2>&1 || { cat "$work/add.log"; die "dotnet add package Microsoft.ML.Transformer"; }
dotnet add package TorchSharp-cpu >"$work/add.log" 2>&1 || { cat "$work/add.log"; die "dotnet add package TorchSharp-cpu"; }
cp "$repo/build/package-check/Program.cs" Program.cs
dotnet build -c Release -nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log"; die "the app does not build with warnings as errors"; }
say "the app references: $(grep -o '<PackageReference [^>]*>' PackageCheckApp.csproj | tr '\n' ' ')"

run() { dotnet "bin/Release/net10.0/PackageCheckApp.dll" "$@"; }
run train "$work/models" >"$work/train.txt" || die "training and saving in the first process"
run score "$work/models" >"$work/score.txt" || die "loading and scoring in the second process"
say "first process (trained, saved, scored):"
sed 's/^/  /' "$work/train.txt"
diff -u "$work/train.txt" "$work/score.txt" || die "the second process's predictions differ from the first's"
say "second process loaded both zips with mlContext.Model.Load and printed the same $(wc -l <"$work/score.txt") lines: OK"
