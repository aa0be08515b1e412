import type { Template } from 'aws-cdk-lib/assertions';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

/** Every API Gateway method of a template as `METHOD /path`, with its properties; paths rebuilt from the resource tree. */
export function templateMethods(template: Template): Map<string, Record<string, any>> {
  const resources = template.toJSON().Resources as Resources;
  const pathOf = (id: string | undefined): string => {
    if (!id) return '';
    const resource = resources[id];
    if (!resource || resource.Type !== 'AWS::ApiGateway::Resource') return '';
    return `${pathOf(resource.Properties.ParentId?.Ref)}/${resource.Properties.PathPart}`;
  };
  const methods = new Map<string, Record<string, any>>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::ApiGateway::Method') continue;
    methods.set(`${resource.Properties.HttpMethod} ${pathOf(resource.Properties.ResourceId?.Ref) || '/'}`, resource.Properties);
  }
  return methods;
}
