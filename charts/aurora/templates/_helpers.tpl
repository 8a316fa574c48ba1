{{/* The release-wide name prefix: "<release>-aurora", or the release name when it already says aurora. */}}
{{- define "aurora.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else if contains "aurora" .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-aurora" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* A component's resource name. Call with (dict "root" $ "component" "gateway"). */}}
{{- define "aurora.name" -}}
{{- printf "%s-%s" (include "aurora.fullname" .root) .component -}}
{{- end -}}

{{- define "aurora.selectorLabels" -}}
app.kubernetes.io/name: aurora
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "aurora.labels" -}}
{{ include "aurora.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: aurora
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* The image of one of Aurora's own components: <repository>/<component>:<tag or appVersion>. */}}
{{- define "aurora.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .component (.root.Values.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{- define "aurora.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
fsGroup: {{ . }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "aurora.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Addresses of the in-cluster services and of NATS (bundled for a dev install, else external). */}}
{{- define "aurora.metadataAddress" -}}
{{- printf "%s:50051" (include "aurora.name" (dict "root" . "component" "metadata")) -}}
{{- end -}}
{{- define "aurora.queryAddress" -}}
{{- printf "%s:50052" (include "aurora.name" (dict "root" . "component" "query")) -}}
{{- end -}}
{{- define "aurora.natsUrl" -}}
{{- if .Values.nats.enabled -}}
{{- printf "nats://%s:4222" (include "aurora.name" (dict "root" . "component" "nats")) -}}
{{- else -}}
{{- required "nats.url is required when nats.enabled is false" .Values.nats.url -}}
{{- end -}}
{{- end -}}
{{- define "aurora.s3Endpoint" -}}
{{- if .Values.minio.enabled -}}
{{- printf "http://%s:9000" (include "aurora.name" (dict "root" . "component" "minio")) -}}
{{- else -}}
{{- required "s3.endpoint is required when minio.enabled is false" .Values.s3.endpoint -}}
{{- end -}}
{{- end -}}

{{/*
The metadata service's DATABASE_URL (docs/OPERATIONS.md, "Application database (PostgreSQL)"): the whole URL from
database.existingSecret, or one built from database.* with the password of database.passwordSecret, which the
kubelet puts into the URL ($(DATABASE_PASSWORD)); the host is the bundled PostgreSQL's when postgresql.enabled.
*/}}
{{- define "aurora.databaseEnv" -}}
{{- $db := .Values.database -}}
{{- if $db.existingSecret -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret }}
      key: {{ $db.urlKey }}
{{- else -}}
{{- $host := ternary (include "aurora.name" (dict "root" . "component" "postgresql")) $db.host .Values.postgresql.enabled -}}
{{- $host = required "database.host is required when postgresql.enabled is false and database.existingSecret is empty" $host -}}
{{- $secret := required "database.passwordSecret.name is required without database.existingSecret" $db.passwordSecret.name -}}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $db.passwordSecret.key }}
- name: DATABASE_URL
  value: {{ printf "postgres://%s:$(DATABASE_PASSWORD)@%s:%v/%s" $db.user $host $db.port $db.name | quote }}
{{- end -}}
{{- end -}}

{{/* Settings every Node service shares (logging, tracing). */}}
{{- define "aurora.commonEnv" -}}
LOG_LEVEL: {{ .Values.logLevel | quote }}
OTEL_TRACES_EXPORTER: {{ .Values.tracing.exporter | quote }}
{{- with .Values.tracing.endpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ . | quote }}
{{- end }}
OTEL_TRACES_SAMPLER: {{ .Values.tracing.sampler | quote }}
OTEL_TRACES_SAMPLER_ARG: {{ .Values.tracing.samplerArg | quote }}
{{- end -}}

{{/* S3 settings of the gateway (presigned links) and the workers (uploads); the keys come from a Secret. */}}
{{- define "aurora.s3Env" -}}
S3_ENDPOINT: {{ include "aurora.s3Endpoint" . | quote }}
S3_REGION: {{ .Values.s3.region | quote }}
S3_BUCKET: {{ .Values.s3.bucket | quote }}
S3_FORCE_PATH_STYLE: {{ .Values.s3.forcePathStyle | quote }}
{{- end -}}

{{/*
The origin of an http(s) URL as a browser writes it (new URL(url).origin): scheme and host in lower case, no
default port. Anything else fails the install: the origin goes into nginx's settings and a response header.
*/}}
{{- define "aurora.origin" -}}
{{- $url := urlParse . -}}
{{- $scheme := lower $url.scheme -}}
{{- $host := lower $url.host | trimSuffix (ternary ":443" ":80" (eq $scheme "https")) -}}
{{- $hostPattern := `^([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:[1-9][0-9]{0,4})?$` -}}
{{- if not (and (has $scheme (list "http" "https")) (regexMatch $hostPattern $host)) -}}
{{- fail (printf "%s is not an http(s) URL with a plain host name and port" .) -}}
{{- end -}}
{{- printf "%s://%s" $scheme $host -}}
{{- end -}}

{{/*
The origin of the gateway's presigned download links (ObjectStore.downloadOrigin: the AWS SDK's rule), from its
settings (S3_ENDPOINT, S3_BUCKET, S3_FORCE_PATH_STYLE): the endpoint's for path-style links; for virtual-hosted
ones the bucket's host under the endpoint's, unless the bucket is no DNS label (3 to 63 of a-z, 0-9 and "-", no
"-" at either end) or the endpoint's host an IP address, where the SDK makes path-style links anyway.
*/}}
{{- define "aurora.s3DownloadOrigin" -}}
{{- $endpoint := include "aurora.origin" .S3_ENDPOINT -}}
{{- $url := urlParse $endpoint -}}
{{- $ipv4 := `^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$` -}}
{{- $ip := or (regexMatch $ipv4 $url.hostname) (hasPrefix "[" $url.host) -}}
{{- $dnsLabel := regexMatch `^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$` (toString .S3_BUCKET) -}}
{{- if or (eq (toString .S3_FORCE_PATH_STYLE) "true") (not $dnsLabel) $ip -}}
{{- $endpoint -}}
{{- else -}}
{{- printf "%s://%s.%s" $url.scheme .S3_BUCKET $url.host -}}
{{- end -}}
{{- end -}}

{{- define "aurora.s3SecretEnv" -}}
- name: S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ .Values.s3.existingSecret }}
      key: {{ .Values.s3.accessKeyIdKey }}
- name: S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.s3.existingSecret }}
      key: {{ .Values.s3.secretAccessKeyKey }}
{{- end -}}

{{/* A service's NATS password from nats.existingSecret (its user is the service's default NATS_USER). Call with
(dict "root" $ "key" .Values.nats.gatewayPasswordKey). */}}
{{- define "aurora.natsSecretEnv" -}}
{{- with .root.Values.nats.existingSecret }}
- name: NATS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.key }}
{{- end }}
{{- end -}}

{{/*
Internal tokens (docs/OPERATIONS.md, "Security model"): the gateway and the export worker sign with their own
private key; metadata, query and the export worker accept the public keys of trusted.json. All from one Secret.
*/}}
{{- define "aurora.internalSigningKeyEnv" -}}
- name: INTERNAL_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.internalAuth.existingSecret }}
      key: {{ .key }}
{{- end -}}

{{- define "aurora.internalTrustedKeysEnv" -}}
- name: INTERNAL_TRUSTED_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ .Values.internalAuth.existingSecret }}
      key: {{ .Values.internalAuth.trustedKeysKey }}
{{- end -}}

{{/* The warehouse: its URL, the Oracle password from a Secret, and the volume holding a DuckDB file. */}}
{{- define "aurora.warehouseSecretEnv" -}}
{{- with .Values.warehouse.passwordSecret.name }}
- name: WAREHOUSE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.warehouse.passwordSecret.key }}
{{- end }}
{{- end -}}

{{/* The SMTP password of the deliveries (metadata), from its Secret when one is named. */}}
{{- define "aurora.smtpSecretEnv" -}}
{{- with .Values.deliveries.smtp.passwordSecret.name }}
- name: SMTP_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.deliveries.smtp.passwordSecret.key }}
{{- end }}
{{- end -}}

{{/* HTTP probes on a named port. Call with (dict "port" "metrics" "live" "/health/live" "ready" "/health/ready"). */}}
{{- define "aurora.probes" -}}
livenessProbe:
  httpGet:
    path: {{ .live }}
    port: {{ .port }}
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: {{ .ready }}
    port: {{ .port }}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
startupProbe:
  httpGet:
    path: {{ .live }}
    port: {{ .port }}
  periodSeconds: 2
  failureThreshold: 30
{{- end -}}

{{/* Pod metadata shared by the services: labels and a checksum so a config change rolls the pods. */}}
{{- define "aurora.podMetadata" -}}
labels:
  {{- include "aurora.labels" . | nindent 2 }}
annotations:
  checksum/config: {{ include (print .root.Template.BasePath "/config.yaml") .root | sha256sum }}
{{- end -}}

{{/* The parts of a Node service's pod spec that do not vary: user, pull secrets, a writable /tmp. */}}
{{- define "aurora.nodePodSpec" -}}
automountServiceAccountToken: false
securityContext:
  {{- include "aurora.podSecurityContext" 1000 | nindent 2 }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The metrics server binds to the pod's own address: reachable by Prometheus and the kubelet's probes (the
NetworkPolicy admits only networkPolicy.metricsFrom), where the services' default is loopback. */}}
{{- define "aurora.metricsHostEnv" -}}
- name: METRICS_HOST
  valueFrom: { fieldRef: { fieldPath: status.podIP } }
{{- end -}}

{{- define "aurora.nodeContainer" -}}
image: {{ include "aurora.image" . }}
imagePullPolicy: {{ .root.Values.image.pullPolicy }}
envFrom:
  - configMapRef:
      name: {{ include "aurora.name" . }}
securityContext:
  {{- include "aurora.containerSecurityContext" . | nindent 2 }}
resources:
  {{- toYaml (index .root.Values .component).resources | nindent 2 }}
{{- end -}}

{{/*
gRPC TLS (docs/OPERATIONS.md, "gRPC TLS between services"): each of gateway, metadata, query and export mounts its
Secret (tls.crt, tls.key, ca.crt) read-only; the ConfigMap points GRPC_TLS_* at the files. Call with $ctx.
*/}}
{{- define "aurora.grpcTlsSecret" -}}
{{- index .root.Values.grpcTls.existingSecrets .component | default (printf "%s-grpc-tls" (include "aurora.name" .)) -}}
{{- end -}}
{{- define "aurora.grpcTlsDir" -}}/etc/aurora/grpc-tls{{- end -}}
{{- define "aurora.grpcTlsEnv" -}}
{{- if .Values.grpcTls.enabled -}}
GRPC_TLS_MODE: {{ .Values.grpcTls.mode | quote }}
GRPC_TLS_CERT: {{ printf "%s/tls.crt" (include "aurora.grpcTlsDir" .) | quote }}
GRPC_TLS_KEY: {{ printf "%s/tls.key" (include "aurora.grpcTlsDir" .) | quote }}
GRPC_TLS_CA: {{ printf "%s/ca.crt" (include "aurora.grpcTlsDir" .) | quote }}
GRPC_TLS_RELOAD_MS: {{ .Values.grpcTls.reloadMs | quote }}
{{- end -}}
{{- end -}}
{{- define "aurora.grpcTlsVolumeMount" -}}
{{- if .root.Values.grpcTls.enabled -}}
- { name: grpc-tls, mountPath: {{ include "aurora.grpcTlsDir" . }}, readOnly: true }
{{- end -}}
{{- end -}}
{{- define "aurora.grpcTlsVolume" -}}
{{- if .root.Values.grpcTls.enabled -}}
- name: grpc-tls
  secret:
    secretName: {{ include "aurora.grpcTlsSecret" . }}
    # 0440: the service's user and the pod's fsGroup read the key, nobody writes it.
    defaultMode: 288
{{- end -}}
{{- end -}}
