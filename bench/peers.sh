# The PyTorch peers shared by compare.sh and profile.sh (sourced, not run): PyTorch 1.13 from Debian 12 and PyTorch 2.6
# in the Debian 13 chroot of ../shared/bench/pytorch26.sh. check_peers NAME refuses, naming NAME, what would make the
# comparison unfair or impossible: an unknown peer, a missing peer script, 2.6 not set up, 1.13 without OpenBLAS.
PEERS=${PEERS:-1.13 2.6}
SHARED_BENCH=${SHARED_BENCH:-../shared/bench}
ROOT26=${PYTORCH26_ROOT:-/opt/pytorch26}
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo

check_peers() {
    local name=$1 p
    for p in $PEERS; do
        case $p in 1.13|2.6) ;; *) echo "PEERS: expected 1.13 or 2.6, found '$p'" >&2; exit 2;; esac
    done
    [ -f "$SHARED_BENCH/pytorch_reference.py" ] || { echo "$name: $SHARED_BENCH/pytorch_reference.py not found (the peers live in ../shared/bench)" >&2; exit 1; }
    if [[ " $PEERS " == *" 2.6 "* ]] && ! [ -x "$ROOT26/usr/bin/python3" ]; then
        echo "$name: PyTorch 2.6 is not set up; run 'bash $SHARED_BENCH/pytorch26.sh setup' once, or PEERS=1.13" >&2; exit 1
    fi
    # pytorch26.sh bind-mounts its own folder at $ROOT26/bench and reuses a mount that is already there; one left over
    # from a ../shared that has since been replaced shows an empty folder, and the peer then fails with "/bench/... not
    # found". Nothing else uses that mount point, so a stale one is removed and pytorch26.sh mounts the current one.
    if [[ " $PEERS " == *" 2.6 "* ]] && mountpoint -q "$ROOT26/bench" && ! [ -f "$ROOT26/bench/pytorch_reference.py" ]; then
        echo "$name: $ROOT26/bench was a stale mount (no pytorch_reference.py in it): unmounting it" >&2
        $SUDO umount "$ROOT26/bench" || { echo "$name: could not unmount $ROOT26/bench; run '${SUDO:+sudo }umount $ROOT26/bench' once" >&2; exit 1; }
    fi
    # Without OpenBLAS, Debian's torch falls back to the reference BLAS (tens of times slower): no fair peer.
    if [[ " $PEERS " == *" 1.13 "* ]] && ! ls /usr/lib/x86_64-linux-gnu/libopenblas.so.0 >/dev/null 2>&1; then
        echo "$name: PyTorch 1.13 would use the reference BLAS; install libopenblas0-openmp first (apt)" >&2; exit 1
    fi
}
