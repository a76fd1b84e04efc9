import * as ipaddr from "ipaddr.js";

/** An IPv4 CIDR taken apart. */
export interface Ipv4Cidr {
    address: ipaddr.IPv4;
    prefix: number;
}

const DOTTED_QUAD_CIDR = /^\d{1,3}(\.\d{1,3}){3}\/(\d{1,2})$/;

/**
 * Parses a strict IPv4 CIDR (`a.b.c.d/n`, no host bits set), or says why it is not one.
 * Host bits are refused rather than masked, so `10.0.0.1/16` never silently becomes `10.0.0.0/16`.
 */
export function parseIpv4Cidr(value: string): Ipv4Cidr | string {
    const match = DOTTED_QUAD_CIDR.exec(value);
    if (!match || !ipaddr.IPv4.isValidFourPartDecimal(value.split("/")[0])) {
        return "not an IPv4 CIDR of the form a.b.c.d/n";
    }
    // Checked before ipaddr parses it: ipaddr throws its own message on a prefix above 32.
    if (Number(match[2]) > 32 || (match[2].length > 1 && match[2].startsWith("0"))) {
        return "the prefix must be /0–/32";
    }
    const [address, prefix] = ipaddr.IPv4.parseCIDR(value);
    const network = ipaddr.IPv4.networkAddressFromCIDR(value).toString();
    if (network !== address.toString()) {
        return `host bits are set; the network is ${network}/${prefix}`;
    }
    return { address, prefix };
}

/** Whether two valid IPv4 CIDRs share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
    const [addressA, prefixA] = ipaddr.IPv4.parseCIDR(a);
    const [addressB, prefixB] = ipaddr.IPv4.parseCIDR(b);
    return addressA.match(addressB, Math.min(prefixA, prefixB));
}
