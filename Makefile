# `sam build` runs these targets with ARTIFACTS_DIR set to the function's artifact folder. Both types'
# templates (template.yml and application-assignment/template.yml) use the logical IDs `cfn test` expects,
# so every artifact gets both bundled handlers (dist/<type>/handlers.js) and each template picks its own.
build-TypeFunction build-TestEntrypoint:
	npm run --silent build:lambda -- --type all --outdir "$(ARTIFACTS_DIR)"
