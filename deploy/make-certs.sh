#!/usr/bin/env bash
# Makes a private CA and a serving certificate for the webhook's Service with openssl, stores
# them as the flyte-policy-tls Secret, and writes the CA into the caBundle of every webhook in
# the ValidatingWebhookConfiguration.
#
#   deploy/make-certs.sh                 # files in deploy/certs/, then kubectl apply + patch
#   deploy/make-certs.sh --no-apply      # files only: tls.crt, tls.key, ca.crt, secret.yaml,
#                                        # and webhook.yaml with the caBundle filled in
#
# Options: --namespace NS (flyte-policy), --service NAME (flyte-policy), --days N (365),
#          --out DIR (deploy/certs). Re-run before the certificate expires: the webhook reloads
#          the Secret without a restart. Clusters with cert-manager can use a Certificate and
#          its CA injector instead; the webhook only needs tls.crt and tls.key in the Secret.
set -euo pipefail
cd "$(dirname "$0")"
namespace=flyte-policy
service=flyte-policy
days=365
out=certs
apply=1
while [ $# -gt 0 ]; do
  case "$1" in
    --namespace) namespace="$2"; shift 2 ;;
    --service) service="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-apply) apply=0; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "make-certs.sh: unknown option '$1'; see --help" >&2; exit 2 ;;
  esac
done
command -v openssl >/dev/null || { echo "make-certs.sh: openssl is required (apt-get install -y openssl)" >&2; exit 2; }
mkdir -p "$out"
chmod 700 "$out"
host="$service.$namespace.svc"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$days" \
  -keyout "$out/ca.key" -out "$out/ca.crt" -subj "/CN=flyte-policy webhook CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$out/tls.key" -out "$out/tls.csr" -subj "/CN=$host" 2>/dev/null
cat >"$out/ext.cnf" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:$service,DNS:$service.$namespace,DNS:$host,DNS:$host.cluster.local
EXT
openssl x509 -req -in "$out/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
  -days "$days" -extfile "$out/ext.cnf" -out "$out/tls.crt" 2>/dev/null
rm -f "$out/tls.csr" "$out/ext.cnf" "$out/ca.srl"
openssl verify -CAfile "$out/ca.crt" "$out/tls.crt" >/dev/null
chmod 600 "$out"/*.key

ca_bundle="$(base64 -w0 <"$out/ca.crt")"
cat >"$out/secret.yaml" <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: flyte-policy-tls
  namespace: $namespace
  labels:
    app.kubernetes.io/name: flyte-policy
type: kubernetes.io/tls
data:
  tls.crt: $(base64 -w0 <"$out/tls.crt")
  tls.key: $(base64 -w0 <"$out/tls.key")
YAML
sed "s|caBundle: \"\"|caBundle: \"$ca_bundle\"|" webhook.yaml >"$out/webhook.yaml"
echo "certificate for $host (valid $days days) in $out/: ca.crt, tls.crt, tls.key, secret.yaml, webhook.yaml"

if [ "$apply" -eq 1 ]; then
  command -v kubectl >/dev/null || { echo "make-certs.sh: kubectl not found; apply $out/secret.yaml and $out/webhook.yaml yourself, or re-run with --no-apply" >&2; exit 2; }
  kubectl apply -f "$out/secret.yaml"
  if kubectl get validatingwebhookconfiguration flyte-policy >/dev/null 2>&1; then
    count="$(kubectl get validatingwebhookconfiguration flyte-policy -o jsonpath='{range .webhooks[*]}x{end}')"
    patch="["
    for index in $(seq 0 $(( ${#count} - 1 ))); do
      [ "$index" -gt 0 ] && patch+=","
      patch+="{\"op\":\"replace\",\"path\":\"/webhooks/$index/clientConfig/caBundle\",\"value\":\"$ca_bundle\"}"
    done
    kubectl patch validatingwebhookconfiguration flyte-policy --type=json -p "$patch]"
  else
    kubectl apply -f "$out/webhook.yaml"
  fi
fi
