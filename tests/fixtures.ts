import { ExistingVpc } from "../components";

/** A VPC made elsewhere, with two subnets in each tier. */
export const EXISTING_VPC: ExistingVpc & { publicSubnetIds: string[]; privateSubnetIds: string[] } = {
    vpcId: "vpc-0123456789abcdef0",
    cidrBlock: "10.20.0.0/16",
    publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    privateSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
};
