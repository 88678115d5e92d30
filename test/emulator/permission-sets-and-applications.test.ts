import {
  ConflictException,
  CreateApplicationAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteApplicationAssignmentCommand,
  DeletePermissionSetCommand,
  DescribeApplicationAssignmentCommand,
  DescribePermissionSetCommand,
  ListApplicationAssignmentsCommand,
  ListApplicationAssignmentsForPrincipalCommand,
  ListPermissionSetsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-sso-admin';
import { UNKNOWN_PRINCIPAL_ID } from '../../dev/emulator';
import {
  ADMIN_PS,
  ALICE,
  CRM_APP,
  DEVELOPERS_GROUP,
  GRAFANA_APP,
  INSTANCE_ARN,
  rejectionOf,
  tuple,
  useEmulator,
} from './helpers';

const harness = useEmulator({ requestsPerSecond: Infinity });

describe('permission sets', () => {
  it('creates, describes, lists and deletes a permission set', async () => {
    const created = await harness.client.send(
      new CreatePermissionSetCommand({
        InstanceArn: INSTANCE_ARN,
        Name: 'DataEngineer',
        Description: 'Data team',
      }),
    );
    const arn = created.PermissionSet?.PermissionSetArn;
    expect(arn).toMatch(/^arn:aws:sso:::permissionSet\/ssoins-72230b9a8e8e8b7a\/ps-[0-9a-f]{16}$/);
    expect(created.PermissionSet).toMatchObject({
      Name: 'DataEngineer',
      Description: 'Data team',
      SessionDuration: 'PT1H',
    });

    const described = await harness.client.send(
      new DescribePermissionSetCommand({ InstanceArn: INSTANCE_ARN, PermissionSetArn: arn }),
    );
    expect(described.PermissionSet).toEqual(created.PermissionSet);
    const listed = await harness.client.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE_ARN }));
    expect(listed.PermissionSets).toContain(arn);

    await harness.client.send(
      new DeletePermissionSetCommand({ InstanceArn: INSTANCE_ARN, PermissionSetArn: arn }),
    );
    const error = await rejectionOf(
      harness.client.send(
        new DescribePermissionSetCommand({ InstanceArn: INSTANCE_ARN, PermissionSetArn: arn }),
      ),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers a duplicate name with ConflictException', async () => {
    const error = await rejectionOf(
      harness.client.send(
        new CreatePermissionSetCommand({ InstanceArn: INSTANCE_ARN, Name: 'AdministratorAccess' }),
      ),
    );
    expect(error).toBeInstanceOf(ConflictException);
  });

  it('refuses to delete a permission set that is still assigned', async () => {
    harness.emulator.state.addAccountAssignment(tuple());
    const error = await rejectionOf(
      harness.client.send(
        new DeletePermissionSetCommand({ InstanceArn: INSTANCE_ARN, PermissionSetArn: ADMIN_PS }),
      ),
    );
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.message).toContain('PermissionSet has ApplicationProfile associated with it');
  });

  it('answers ResourceNotFoundException for an unknown instance', async () => {
    const error = await rejectionOf(
      harness.client.send(
        new ListPermissionSetsCommand({ InstanceArn: 'arn:aws:sso:::instance/ssoins-1111111111111111' }),
      ),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('application assignments', () => {
  const assignment = { ApplicationArn: GRAFANA_APP, PrincipalType: 'USER' as const, PrincipalId: ALICE };

  it('creates synchronously, describes, lists and deletes an assignment', async () => {
    await harness.client.send(new CreateApplicationAssignmentCommand(assignment));
    const described = await harness.client.send(new DescribeApplicationAssignmentCommand(assignment));
    expect(described).toMatchObject(assignment);

    await harness.client.send(
      new CreateApplicationAssignmentCommand({
        ApplicationArn: CRM_APP,
        PrincipalType: 'USER',
        PrincipalId: ALICE,
      }),
    );
    await harness.client.send(
      new CreateApplicationAssignmentCommand({
        ApplicationArn: GRAFANA_APP,
        PrincipalType: 'GROUP',
        PrincipalId: DEVELOPERS_GROUP,
      }),
    );
    const forApplication = await harness.client.send(
      new ListApplicationAssignmentsCommand({ ApplicationArn: GRAFANA_APP }),
    );
    expect(forApplication.ApplicationAssignments).toEqual([
      assignment,
      { ApplicationArn: GRAFANA_APP, PrincipalType: 'GROUP', PrincipalId: DEVELOPERS_GROUP },
    ]);
    const forPrincipal = await harness.client.send(
      new ListApplicationAssignmentsForPrincipalCommand({
        InstanceArn: INSTANCE_ARN,
        PrincipalType: 'USER',
        PrincipalId: ALICE,
      }),
    );
    expect(forPrincipal.ApplicationAssignments?.map((item) => item.ApplicationArn)).toEqual([
      GRAFANA_APP,
      CRM_APP,
    ]);
    const filtered = await harness.client.send(
      new ListApplicationAssignmentsForPrincipalCommand({
        InstanceArn: INSTANCE_ARN,
        PrincipalType: 'USER',
        PrincipalId: ALICE,
        Filter: { ApplicationArn: CRM_APP },
      }),
    );
    expect(filtered.ApplicationAssignments?.map((item) => item.ApplicationArn)).toEqual([CRM_APP]);

    await harness.client.send(new DeleteApplicationAssignmentCommand(assignment));
    const error = await rejectionOf(
      harness.client.send(new DescribeApplicationAssignmentCommand(assignment)),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });

  it('accepts creating an existing assignment and stores no duplicate', async () => {
    await harness.client.send(new CreateApplicationAssignmentCommand(assignment));
    await harness.client.send(new CreateApplicationAssignmentCommand(assignment));
    expect(harness.emulator.state.applicationAssignments()).toHaveLength(1);
  });

  it('answers ResourceNotFoundException for a missing assignment, application or principal', async () => {
    expect(
      await rejectionOf(harness.client.send(new DeleteApplicationAssignmentCommand(assignment))),
    ).toBeInstanceOf(ResourceNotFoundException);
    const unknownApplication = {
      ...assignment,
      ApplicationArn: 'arn:aws:sso::111122223333:application/ssoins-72230b9a8e8e8b7a/apl-0000000000000000',
    };
    expect(
      await rejectionOf(harness.client.send(new CreateApplicationAssignmentCommand(unknownApplication))),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await rejectionOf(
        harness.client.send(
          new ListApplicationAssignmentsCommand({ ApplicationArn: unknownApplication.ApplicationArn }),
        ),
      ),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await rejectionOf(
        harness.client.send(
          new CreateApplicationAssignmentCommand({ ...assignment, PrincipalId: UNKNOWN_PRINCIPAL_ID }),
        ),
      ),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(harness.emulator.state.applicationAssignments()).toEqual([]);
  });
});
