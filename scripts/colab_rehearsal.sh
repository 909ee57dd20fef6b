#!/usr/bin/env bash
# Colab rehearsal: what a learner's first session on Colab does, on this machine.
#   bash scripts/colab_rehearsal.sh [FOLDER]     (make colab-rehearsal)
# 1. a fresh Python 3.13 venv in FOLDER (default: a new temp folder; never inside the kit), pre-filled
#    with what a Colab runtime already has (COLAB_PREFILL below: older TensorFlow, Keras 3, tf-keras,
#    numpy 2.1, pygame, ipykernel, ipywidgets), from wheels only, as Colab ships them;
# 2. a copy of the kit's working tree in FOLDER/labkit (the install cell clones into /content/labkit);
# 3. the install cell, as Colab runs it: `bash labkit/scripts/install.sh --colab` with the venv first on
#    PATH (the cell runs Colab's python3); its restart message must appear because TensorFlow changed;
# 4. the install cell again, as after "Restart session, then run all cells again": no message this time;
# 5. notebooks 00 and 03 under the ci profile in that venv (labkit run), then a summary.
# Fails (non-zero, with the step named) if Python 3.13 is missing or any step fails. Logs, summary.txt and
# the executed notebooks stay in the folder; the venv (about 3 GB) is removed after a passing run in a
# temp folder unless COLAB_KEEP_VENV=1.
# Python: $COLAB_PYTHON, else ~/.pyenv/versions/3.13.*/bin/python3.13, else python3.13 on PATH.
#
# COLAB_PREFILL, assumed from Colab's announcements and what exists for CPython 3.13 on PyPI:
# - Colab's default runtime moved to Python 3.13 in August 2026 (googlecolab/colabtools#6081); its last
#   TensorFlow announcement found is TF 2.19.0 with Keras 3.10.0 (colabtools#5489). TF 2.19 has no 3.13
#   wheel and PyPI has only 2.20.0 and 2.21.0 for 3.13, so the 3.13 runtime has TF 2.20 (a learner's note
#   from that runtime says "Python 3.13, TF 2.20"): tensorflow 2.20.0 with tf-keras 2.20.1, keras 3.10.0.
# - numpy 2.1.3: Colab had numpy 2.0.2 on 3.11 (colabtools#5213), but 2.0.x has no 3.13 wheel (pip would
#   compile it for many minutes), so a 3.13 runtime has 2.1 or newer: 2.1.3 (the last 2.1) is taken.
# - pygame 2.6.1: Colab ships pygame (2.5.2 on 3.11; 2.6.1 is the first with 3.13 wheels). ipykernel
#   6.17.1: google-colab 1.0.0 pins it exactly (pip's conflict messages quoted in many public issues).
#   ipywidgets 7.7.1: Colab's.
# Not rehearsed: Colab's real image (CUDA, its other ~500 packages, google-colab itself, its frontend),
# a GPU, notebooks other than 00 and 03.
set -euo pipefail

COLAB_PREFILL=(tensorflow==2.20.0 keras==3.10.0 tf-keras==2.20.1 numpy==2.1.3 pygame==2.6.1
               ipykernel==6.17.1 ipywidgets==7.7.1)
SHOWN=(tensorflow keras tf-keras numpy tensorflow-text keras-hub pygame pygame-ce ipykernel ipywidgets papermill)
NOTEBOOKS=(00 03)
RESTART_MSG="Runtime > Restart session, then run all cells again."

kit=$(cd "$(dirname "$0")/.." && pwd)
start=$(date +%s)
step="finding Python 3.13"
log=
trap 'echo "colab rehearsal: FAILED while $step (exit $?)${log:+; log: $log}" >&2' ERR

die() { echo "colab rehearsal: FAILED: $*" >&2; exit 2; }

py=${COLAB_PYTHON:-}
if [ -z "$py" ]; then
    for candidate in "$HOME"/.pyenv/versions/3.13.*/bin/python3.13; do
        [ -x "$candidate" ] && py=$candidate
    done
fi
[ -n "$py" ] || py=$(command -v python3.13 || true)
[ -n "$py" ] && [ -x "$py" ] || die "no Python 3.13 interpreter (Colab's): install one (pyenv install 3.13) or set COLAB_PYTHON"
"$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' \
    || die "$py is Python $("$py" -c 'import platform; print(platform.python_version())'), not 3.13 (Colab's)"

if [ -n "${1:-}" ]; then
    work=$(realpath -m "$1")
    case "$work/" in "$kit/"*) die "$work is inside the kit; give a folder outside it" ;; esac
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/labkit-colab.XXXXXX")
fi
[ -z "$(ls -A "$work")" ] || die "$work is not empty; give an empty or new folder (the venv must be fresh)"
echo "colab rehearsal in $work (Python $("$py" -c 'import platform; print(platform.python_version())'): $py)"

# keep the run away from anything of this machine's: other venvs, user-wide Jupyter kernels and settings
unset PYTHON PYTHONPATH PYTHONHOME VIRTUAL_ENV JUPYTER_PATH JUPYTER_CONFIG_DIR
export JUPYTER_DATA_DIR=$work/jupyter IPYTHONDIR=$work/ipython MPLCONFIGDIR=$work/matplotlib

versions() {  # name=version per line for SHOWN ("-" when absent)
    "$work/venv/bin/python" - "${SHOWN[@]}" <<'PY'
import sys
from importlib import metadata
for name in sys.argv[1:]:
    try:
        print(f"{name}={metadata.version(name)}")
    except metadata.PackageNotFoundError:
        print(f"{name}=-")
PY
}

step="creating the venv"
"$py" -m venv "$work/venv"
vbin=$work/venv/bin

step="pre-filling the venv with Colab's versions (${COLAB_PREFILL[*]})"
log=$work/prefill.log
echo "== $step"
"$vbin/python" -m pip install -q --upgrade pip >"$log" 2>&1
"$vbin/python" -m pip install -q --only-binary=:all: "${COLAB_PREFILL[@]}" >>"$log" 2>&1
versions >"$work/versions-before.txt"
log=

step="copying the kit's working tree to $work/labkit (the cell clones it into /content/labkit)"
mkdir "$work/labkit"
if git -C "$kit" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$kit" && git ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
        | tar --null -T - -cf -) | tar -xf - -C "$work/labkit"
else
    tar -C "$kit" --exclude=./.venv --exclude=./runs --exclude=./editions --exclude='*.egg-info' -cf - . \
        | tar -xf - -C "$work/labkit"
fi

install_cell() {  # $1: log file. The cell runs `bash .../install.sh --colab` with Colab's python3.
    (cd "$work" && PATH="$vbin:$PATH" bash "$work/labkit/scripts/install.sh" --colab) 2>&1 | tee "$1"
}

step="running the install cell (install.sh --colab)"
log=$work/install-1.log
echo "== $step"
t0=$(date +%s)
install_cell "$log"
install_minutes=$(( ($(date +%s) - t0 + 30) / 60 ))
versions >"$work/versions-after.txt"
log=
tf_before=$(grep '^tensorflow=' "$work/versions-before.txt" | cut -d= -f2)
tf_after=$(grep '^tensorflow=' "$work/versions-after.txt" | cut -d= -f2)
if grep -qF "$RESTART_MSG" "$work/install-1.log"; then msg1=yes; else msg1=no; fi
if [ "$tf_before" != "$tf_after" ]; then expect1=yes; else expect1=no; fi
[ "$msg1" = "$expect1" ] || die "restart message after the first install: appeared=$msg1, expected=$expect1 (TensorFlow $tf_before -> $tf_after; log: $work/install-1.log)"
! "$vbin/python" -m pip show -q pygame >/dev/null 2>&1 \
    || die "pygame is still installed beside pygame-ce (install.sh should have removed it)"

step="running the install cell again (after Restart session: TensorFlow unchanged, no message expected)"
log=$work/install-2.log
echo "== $step"
install_cell "$log"
log=
if grep -qF "$RESTART_MSG" "$work/install-2.log"; then die "the restart message appeared again on the second run (log: $work/install-2.log)"; fi

step="checking the upgraded stack"
log=$work/check.log
"$vbin/python" -m pip check >"$log" 2>&1 || echo "(pip check reports conflicts, see $log; a real Colab has many more packages)"
(cd "$work" && "$vbin/python" - <<'PY') | tee -a "$log"
import labkit  # sets TF_USE_LEGACY_KERAS=1 first
import keras, numpy, pygame, tensorflow as tf, tf_keras
from labkit.course.runner import kernel_name
from jupyter_client.kernelspec import KernelSpecManager
spec = KernelSpecManager().get_kernel_spec(kernel_name())
print(f"imports ok: tensorflow {tf.__version__}, keras {keras.__version__}, tf_keras {tf_keras.__version__}, "
      f"numpy {numpy.__version__}, pygame module {pygame.version.ver}; kernel {kernel_name()!r}: {spec.argv[0]}")
PY
log=

step="running notebooks ${NOTEBOOKS[*]} under ci in the venv"
log=$work/notebooks.log
echo "== $step"
t0=$(date +%s)
set +e
(cd "$work" && "$vbin/labkit" run --profile ci --only "${NOTEBOOKS[@]}" --output "$work/run") 2>&1 | tee "$log"
nb_code=${PIPESTATUS[0]}
set -e
nb_minutes=$(( ($(date +%s) - t0 + 30) / 60 ))
nb_results=$("$vbin/python" - "$work/run/report.json" <<'PY' 2>/dev/null || echo "  (no report.json)"
import json, sys
report = json.load(open(sys.argv[1]))
for r in report["notebooks"]:
    line = f"  {r['notebook']}: {r['status']} in {r['seconds']:.0f} s"
    print(line + (f" ({r['error']})" if r.get("error") else ""))
PY
)

{
    echo
    echo "== Colab rehearsal summary ($work)"
    echo "Python $("$vbin/python" -c 'import platform; print(platform.python_version())') (venv from $py)"
    printf '%-16s %-10s %-10s\n' package "Colab-like" "after install cell"
    paste -d= "$work/versions-before.txt" "$work/versions-after.txt" \
        | awk -F= '{ printf "%-16s %-10s %-10s\n", $1, $2, $4 }'
    echo "restart message, first run:  $msg1 (expected $expect1: TensorFlow $tf_before -> $tf_after)"
    echo "restart message, second run: no (expected no)"
    grep -h "requires .*but you have\|which is not installed" "$work/install-1.log" "$work/install-2.log" \
        | sort -u | sed 's/^/pip: /' || true
    echo "notebooks under ci (exit $nb_code):"
    echo "$nb_results"
    echo "minutes: install cell $install_minutes, notebooks $nb_minutes, total $(( ($(date +%s) - start + 30) / 60 ))"
} | tee "$work/summary.txt"

if [ "$nb_code" -ne 0 ]; then
    die "notebook run failed (exit $nb_code): see $log and the executed notebooks in $work/run"
fi
if [ -z "${1:-}" ] && [ -z "${COLAB_KEEP_VENV:-}" ]; then
    rm -rf "$work/venv"  # about 3 GB; logs, summary and executed notebooks stay
fi
echo "colab rehearsal: passed ($work/summary.txt)"
