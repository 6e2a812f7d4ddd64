"""Evaluates the pods and rules that policy-bench emitted with regopy (the Rego interpreter on
PyPI), one pod at a time as an admission controller or CI gate would, and prints the timing."""
import json
import sys
import time

from regopy import Interpreter

folder = sys.argv[1]
pods = json.load(open(f"{folder}/pods.json"))
rego = Interpreter()
rego.add_module("bench", open(f"{folder}/rules.rego").read())
inputs = [json.dumps(pod) for pod in pods]

violations = 0
start = time.perf_counter()
for text in inputs:
    rego.set_input_term(text)
    output = json.loads(str(rego.query("data.bench.violation")))
    violations += len(output["expressions"][0])
elapsed = time.perf_counter() - start
print(f"regopy: {len(pods)} pods, {violations} violations, {elapsed * 1000:.1f} ms, "
      f"{elapsed / len(pods) * 1e6:.1f} us per pod")
print(f"RESULT rego_per_pod_us={elapsed / len(pods) * 1e6:.3f} rego_violations={violations}")
