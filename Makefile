# `sam build` runs these targets with ARTIFACTS_DIR set to the function's artifact folder. The handler
# is bundled into one file at the path template.yml and .rpdk-config name (dist/assignment/handlers.js).
build-TypeFunction build-TestEntrypoint:
	npm run --silent build:lambda -- --type assignment --outdir "$(ARTIFACTS_DIR)"
