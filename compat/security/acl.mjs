export const aclProps = () => ({});
export async function aclScenario() { return []; }
