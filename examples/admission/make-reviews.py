#!/usr/bin/env python3
"""Builds AdmissionReview requests for pods the way flytepropeller creates them.

Input: `flyte-policy resolve ... --format json` output (the resolved pods of examples/flyte/demo.tgz).
Output: one AdmissionReview per chosen node, with what propeller adds at run time on top of the
resolved pod: execution labels, the FlyteWorkflow owner reference, the finalizer, FLYTE_INTERNAL_*
environment, the pyflyte-fast-execute arguments. About 8 KB each, like the real ones.

    flyte-policy resolve examples/flyte/demo.tgz --platform examples/platform/propeller.yaml \
        --pod-templates examples/platform/pod-templates.yaml --project ml --domain production \
        --format json > /tmp/resolved.json
    python3 examples/admission/make-reviews.py /tmp/resolved.json examples/admission
"""
import copy
import json
import sys

EXECUTION = "a7xk2m9qpl4rtz8vbn3c"
CHOSEN = {"n0": "load-data-allowed.json", "n2": "train-v100-denied.json", "n3": "train-a100-no-toleration-denied.json"}


def review(entry, uid):
    pod = copy.deepcopy(entry["pod"])
    flyte = entry["flyte"]
    node = flyte["node"]
    meta = pod.setdefault("metadata", {})
    meta["name"] = f"{EXECUTION}-{node}-0"
    meta["namespace"] = entry["namespace"]
    labels = meta.setdefault("labels", {})
    labels.update({"execution-id": EXECUTION, "shard-key": "11", "workflow-name": labels.get("workflow-name", ""),
                   "node-id": node})
    meta.setdefault("annotations", {}).update({
        "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
        "primary_container_name": entry.get("primaryContainer", "primary"),
    })
    meta["ownerReferences"] = [{"apiVersion": "flyte.lyft.com/v1alpha1", "kind": "flyteworkflow", "name": EXECUTION,
                                "uid": "5b0d8c3e-0c1f-4a4e-9f5e-3c2b1a0d9e8f", "blockOwnerDeletion": True, "controller": True}]
    meta["finalizers"] = ["flyte/flytek8s"]
    task = flyte["task"]
    for container in pod["spec"]["containers"]:
        container["args"] = ["pyflyte-fast-execute", "--additional-distribution",
                             f"s3://flyte-ml/production/ml/fast/{'f' * 32}.tar.gz", "--dest-dir", ".", "--",
                             "pyflyte-execute", "--inputs", f"s3://flyte-ml/metadata/propeller/ml-production-{EXECUTION}/{node}/data/inputs.pb",
                             "--output-prefix", f"s3://flyte-ml/metadata/propeller/ml-production-{EXECUTION}/{node}/data/0",
                             "--raw-output-data-prefix", f"s3://flyte-ml/data/x9/{EXECUTION}-{node}-0",
                             "--checkpoint-path", f"s3://flyte-ml/data/x9/{EXECUTION}-{node}-0/_flytecheckpoints",
                             "--prev-checkpoint", '""', "--resolver", "flytekit.core.python_auto_container.default_task_resolver",
                             "--", "task-module", task.rsplit(".", 1)[0], "task-name", task.rsplit(".", 1)[1]]
        env = container.setdefault("env", [])
        for name, value in [
            ("FLYTE_INTERNAL_EXECUTION_WORKFLOW", f"ml:production:{flyte['workflow']}"),
            ("FLYTE_INTERNAL_EXECUTION_ID", EXECUTION), ("FLYTE_INTERNAL_EXECUTION_PROJECT", "ml"),
            ("FLYTE_INTERNAL_EXECUTION_DOMAIN", "production"), ("FLYTE_ATTEMPT_NUMBER", "0"),
            ("FLYTE_INTERNAL_TASK_PROJECT", "ml"), ("FLYTE_INTERNAL_TASK_DOMAIN", "production"),
            ("FLYTE_INTERNAL_TASK_NAME", task), ("FLYTE_INTERNAL_TASK_VERSION", "v1.4.2-7f3c9e1"),
            ("FLYTE_INTERNAL_PROJECT", "ml"), ("FLYTE_INTERNAL_DOMAIN", "production"), ("FLYTE_INTERNAL_NAME", task),
            ("FLYTE_INTERNAL_VERSION", "v1.4.2-7f3c9e1"), ("FLYTE_AWS_ENDPOINT", "http://minio.flyte.svc.cluster.local:9000"),
            ("FLYTE_AWS_ACCESS_KEY_ID", "flyte-ml"), ("FLYTE_PLATFORM_URL", "flyteadmin.flyte.svc.cluster.local:81"),
            ("FLYTE_STATSD_HOST", "statsd.monitoring.svc.cluster.local"), ("FLYTE_SDK_LOGGING_LEVEL", "20"),
        ]:
            env.append({"name": name, "value": value})
        container["terminationMessagePolicy"] = "FallbackToLogsOnError"
        container.setdefault("volumeMounts", []).append(
            {"name": "kube-api-access-9xk2p", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True})
    pod["spec"]["serviceAccountName"] = "default"
    pod["spec"].setdefault("volumes", []).append({"name": "kube-api-access-9xk2p", "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}})
    pod["apiVersion"] = "v1"
    pod["kind"] = "Pod"
    return {
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": uid, "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
            "requestResource": {"group": "", "version": "v1", "resource": "pods"},
            "name": meta["name"], "namespace": entry["namespace"], "operation": "CREATE",
            "userInfo": {"username": "system:serviceaccount:flyte:flytepropeller",
                         "uid": "0c3a1f6e-8d2b-4c7a-9e1f-2b3c4d5e6f70",
                         "groups": ["system:serviceaccounts", "system:serviceaccounts:flyte", "system:authenticated"]},
            "object": pod, "oldObject": None, "dryRun": False,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
        },
    }


def main():
    resolved, out = sys.argv[1], sys.argv[2]
    pods = json.load(open(resolved))["pods"]
    for index, entry in enumerate(pods):
        name = CHOSEN.get(entry["flyte"].get("node"))
        if name and entry["flyte"].get("workflow") == "demo.workflows.training_wf":
            with open(f"{out}/{name}", "w") as handle:
                json.dump(review(entry, f"d3b07384-d9a7-4e2c-8f1b-{index:012d}"), handle, indent=2)
                handle.write("\n")


if __name__ == "__main__":
    main()
