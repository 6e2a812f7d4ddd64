print("policy-bench: see bench/run.sh")
