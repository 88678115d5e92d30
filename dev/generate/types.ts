/** The resource types this repository builds: where each schema lives and where its code goes. */
export interface ResourceTypeSources {
  /** Schema path relative to the repository root. */
  schema: string;
  /** Folder of the type's handler code, relative to the repository root. */
  sourceDir: string;
}

export const RESOURCE_TYPES: ResourceTypeSources[] = [
  { schema: 'aws-sso-assignment.json', sourceDir: 'src/assignment' },
  {
    schema: 'application-assignment/aws-sso-applicationassignment.json',
    sourceDir: 'src/application-assignment',
  },
];
